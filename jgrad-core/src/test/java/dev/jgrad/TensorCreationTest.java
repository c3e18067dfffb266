package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creation functions, properties and conversions. */
class TensorCreationTest {

    @Test
    void ofCopiesItsDataAndKeepsTheShape() {
        double[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        data[0] = 99;
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(2, t.ndim());
        assertEquals(6, t.numel());
        assertEquals(3, t.size(-1));
        assertEquals(DType.FLOAT64, t.dtype());
        assertEquals(1, t.get(0, 0));
        assertEquals(6, t.get(-1, -1));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, t.toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3, 4}, Tensor.of(new double[][] {{1, 2}, {3, 4}}).toDoubleArray());
        Tensor f = Tensor.of(new float[] {1.5f, 2.5f}, 2);
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new float[] {1.5f, 2.5f}, f.toFloatArray());
    }

    @Test
    void scalarsAndFills() {
        Tensor s = Tensor.scalar(2.5);
        assertEquals(0, s.ndim());
        assertEquals(1, s.numel());
        assertEquals(2.5, s.item());
        assertEquals(DType.FLOAT32, Tensor.scalar(1, DType.FLOAT32).dtype());
        assertArrayEquals(new double[6], Tensor.zeros(2, 3).toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, Tensor.ones(2).toDoubleArray());
        assertArrayEquals(new double[] {7, 7, 7}, Tensor.full(7, 3).toDoubleArray());
        assertEquals(DType.FLOAT32, Tensor.zeros(DType.FLOAT32, 2).dtype());
        assertEquals(DType.FLOAT32, Tensor.ones(DType.FLOAT32, 2).dtype());
        assertEquals(DType.FLOAT32, Tensor.full(1, DType.FLOAT32, 2).dtype());
        Tensor like = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        for (Tensor t : new Tensor[] {Tensor.zerosLike(like), Tensor.onesLike(like), Tensor.fullLike(like, 3)}) {
            assertArrayEquals(new int[] {2, 2}, t.shape());
            assertEquals(DType.FLOAT32, t.dtype());
        }
        assertArrayEquals(new double[] {3, 3, 3, 3}, Tensor.fullLike(like, 3).toDoubleArray());
    }

    @Test
    void itemNeedsExactlyOneElement() {
        assertEquals(4, Tensor.of(4.0).item());
        assertEquals(4, Tensor.full(4, 1, 1, 1).item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).item());
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).item());
    }

    @Test
    void rangesAndIdentity() {
        assertArrayEquals(new double[] {0, 1, 2, 3}, Tensor.arange(4).toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 2}, Tensor.arange(2.5).toDoubleArray());
        assertArrayEquals(new double[] {5, 3, 1}, Tensor.arange(5, 0, -2).toDoubleArray());
        assertEquals(0, Tensor.arange(3, 1, 1).numel());
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0));
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Tensor.linspace(0, 1, 5).toDoubleArray());
        assertArrayEquals(new double[] {2}, Tensor.linspace(2, 3, 1).toDoubleArray());
        assertEquals(0, Tensor.linspace(0, 1, 0).numel());
        assertThrows(IllegalArgumentException.class, () -> Tensor.linspace(0, 1, -1));
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3).toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0}, Tensor.eye(2, 3).toDoubleArray());
    }

    @Test
    void randomTensorsAreReproducibleFromTheSeed() {
        assertArrayEquals(Tensor.rand(7, 3, 4).toDoubleArray(), Tensor.rand(7, 3, 4).toDoubleArray());
        assertArrayEquals(Tensor.randn(7, 50).toDoubleArray(), Tensor.randn(7, 50).toDoubleArray());
        assertFalse(Arrays.equals(Tensor.randn(7, 50).toDoubleArray(), Tensor.randn(8, 50).toDoubleArray()));
        assertFalse(Arrays.equals(Tensor.rand(7, 50).toDoubleArray(), Tensor.rand(8, 50).toDoubleArray()));
        for (double u : Tensor.rand(1, 1000).toDoubleArray()) {
            assertTrue(u >= 0 && u < 1);
        }
        double[] z = Tensor.randn(3, 20_000).toDoubleArray();
        double mean = Arrays.stream(z).average().orElseThrow();
        double var = Arrays.stream(z).map(v -> (v - mean) * (v - mean)).sum() / z.length;
        assertEquals(0, mean, 0.05);
        assertEquals(1, var, 0.05);
        assertEquals(DType.FLOAT32, Tensor.randn(dev.jgrad.ops.Creation.generator(1), DType.FLOAT32, 2).dtype());
    }

    @Test
    void allCloseUsesBothTolerancesAndComparesShapes() {
        Tensor a = Tensor.of(1.0, 2.0);
        assertTrue(a.allClose(Tensor.of(1.0 + 1e-9, 2.0)));
        assertFalse(a.allClose(Tensor.of(1.1, 2.0)));
        assertTrue(a.allClose(Tensor.of(1.1, 2.0), 0.2, 0));
        assertFalse(a.allClose(Tensor.of(1, 2, 3)));
        assertFalse(a.allClose(a.reshape(2, 1)));
        assertTrue(Tensor.of(Double.NaN).allClose(Tensor.of(Double.NaN)));
        assertFalse(Tensor.of(Double.NaN).allClose(Tensor.of(0.0)));
    }

    @Test
    void tooLargeShapesAreRefusedBeforeAllocating() {
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(100_000, 100_000));
        assertTrue(big.getMessage().contains("[100000, 100000]"), big.getMessage());
        int g = 1 << 30;
        IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(g, g, g, g));
        assertTrue(overflow.getMessage().contains("[1073741824, 1073741824, 1073741824, 1073741824]"), overflow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ones(DType.FLOAT32, 100_000, 100_000));
        assertThrows(IllegalArgumentException.class, () -> Tensor.randn(1, 100_000, 100_000));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertTrue(negative.getMessage().contains("[2, -1]"), negative.getMessage());
    }

    @Test
    void dataThatDoesNotFillTheShapeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[5], 2, 3));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[][] {{1, 2}, {3}}));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of((double[]) null, 1));
    }
}
