package dev.jgrad;

import dev.jgrad.autograd.TensorAccess;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shape ops: values against hand-computed layouts, storage sharing, and their gradients. */
class TensorViewTest {
    private static final Tensor M = Tensor.arange(6).reshape(2, 3);   // [[0, 1, 2], [3, 4, 5]]

    @Test
    void reshapeInfersMinusOneAndSharesStorageWhenItCan() {
        Tensor r = M.reshape(3, -1);
        assertArrayEquals(new int[] {3, 2}, r.shape());
        assertArrayEquals(M.toDoubleArray(), r.toDoubleArray());
        assertSame(TensorAccess.value(M).storage(), TensorAccess.value(r).storage());
        assertSame(TensorAccess.value(M).storage(), TensorAccess.value(M.reshape(-1)).storage());
        Tensor t = M.transpose(0, 1);
        assertSame(TensorAccess.value(M).storage(), TensorAccess.value(t).storage());
        assertFalse(t.isContiguous());
        Tensor flat = t.reshape(-1);
        assertNotSame(TensorAccess.value(M).storage(), TensorAccess.value(flat).storage());
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, flat.toDoubleArray());
        // Splitting one axis of a transposed view needs no copy.
        assertSame(TensorAccess.value(M).storage(), TensorAccess.value(t.reshape(3, 1, 2)).storage());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, M.flatten().toDoubleArray());
    }

    @Test
    void permuteAndTranspose() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    assertTrue(p.get(k, i, j) == x.get(i, j, k));
                }
            }
        }
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, M.transpose(-1, -2).toDoubleArray());
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, M.mT().toDoubleArray());
        assertArrayEquals(x.toDoubleArray(), x.permute(-1, 0, 1).permute(1, 2, 0).toDoubleArray());
    }

    @Test
    void sliceWithStepAndPythonClamping() {
        Tensor v = Tensor.arange(10);
        assertArrayEquals(new double[] {1, 4, 7}, v.slice(0, 1, 9, 3).toDoubleArray());
        assertArrayEquals(new double[] {7, 8, 9}, v.slice(0, -3, 100).toDoubleArray());
        assertArrayEquals(new double[0], v.slice(0, 5, 2).toDoubleArray());
        assertArrayEquals(new double[] {1, 4}, M.slice(1, 1, 2).toDoubleArray());
        assertArrayEquals(new double[] {0, 2, 3, 5}, M.slice(-1, 0, 3, 2).toDoubleArray());
        assertSame(TensorAccess.value(v).storage(), TensorAccess.value(v.slice(0, 2, 5)).storage());
    }

    @Test
    void squeezeUnsqueezeBroadcastExpand() {
        Tensor x = Tensor.of(1, 2, 3).reshape(1, 3, 1);
        assertArrayEquals(new int[] {3}, x.squeeze().shape());
        assertArrayEquals(new int[] {3, 1}, x.squeeze(0).shape());
        assertArrayEquals(new int[] {1, 3}, x.squeeze(-1).shape());
        assertArrayEquals(new int[] {1, 1, 3, 1}, x.unsqueeze(0).shape());
        assertArrayEquals(new int[] {1, 3, 1, 1}, x.unsqueeze(-1).shape());
        assertArrayEquals(new int[] {1, 3, 1, 1}, x.unsqueeze(3).shape());
        Tensor row = Tensor.of(1, 2, 3);
        Tensor b = row.broadcastTo(2, 3);
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, b.toDoubleArray());
        assertSame(TensorAccess.value(row).storage(), TensorAccess.value(b).storage());
        assertArrayEquals(new double[] {1, 1, 2, 2, 3, 3}, x.squeeze(0).expand(-1, 2).toDoubleArray());
        assertArrayEquals(new int[] {4, 3, 2}, x.squeeze(0).expand(4, -1, 2).shape());
    }

    @Test
    void viewsHaveTransposedGradients() {
        GradCheck.Options all = GradCheck.Options.DEFAULT.withSecondOrder(true);
        GradCheck.assertGradients(in -> in[0].transpose(0, 1).reshape(-1).slice(0, 1, 6, 2).square(), all, Tensor.randn(1, 2, 3));
        GradCheck.assertGradients(in -> in[0].unsqueeze(1).expand(3, 4, 2).mul(in[1].squeeze(0)), all,
                Tensor.randn(2, 3, 2), Tensor.randn(4, 1, 4, 1));
        GradCheck.assertGradients(in -> in[0].permute(2, 0, 1).sin().broadcastTo(2, 4, 2, 3), all, Tensor.randn(3, 2, 3, 4));
    }

    @Test
    void badViewsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> M.reshape(4, -1));
        assertThrows(IllegalArgumentException.class, () -> M.reshape(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> M.permute(0, 0));
        assertThrows(IllegalArgumentException.class, () -> M.permute(0));
        assertThrows(IllegalArgumentException.class, () -> M.squeeze(0));
        assertThrows(IllegalArgumentException.class, () -> M.unsqueeze(3));
        assertThrows(IllegalArgumentException.class, () -> M.slice(0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> M.slice(2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> M.broadcastTo(3, 3));
        assertThrows(IllegalArgumentException.class, () -> M.broadcastTo(3));
        assertThrows(IllegalArgumentException.class, () -> M.expand(-1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> M.expand(3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(1, 2).mT());
    }
}
