package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Element-wise ops on large views whose last two axes are swapped (made row-major first, then one
 * contiguous pass): every element of the result is the op on the elements the views show, with the
 * swapped operand first or second, broadcast against a row, in a batch, deferred, in a map, and
 * through backward(); both dtypes (and both kernel sets, by the build's second surefire run).
 * Sizes are above the 32,768 elements where the row-major copy is taken.
 */
class SwappedOperandTest {
    @Test
    void binaryOpsSeeTheViewsElements() {
        for (DType dt : DType.values()) {
            Tensor x = Tensor.randn(1L, 200, 180).to(dt);
            Tensor y = Tensor.randn(2L, 180, 200).to(dt);
            Tensor xt = x.transpose(0, 1);
            check(dt + " x.T + y", xt, y, Tensor::add, Double::sum);
            check(dt + " y - x.T", y, xt, Tensor::sub, (a, b) -> a - b);
            check(dt + " x.T * x.T", xt, xt, Tensor::mul, (a, b) -> a * b);
            Tensor row = Tensor.randn(3L, 200).to(dt);
            check(dt + " x.T / row", xt, row, Tensor::div, (a, b) -> a / b);
            // A batch with its last two axes swapped, and a deferred operand seen transposed.
            Tensor b = Tensor.randn(4L, 3, 120, 100).to(dt);
            Tensor c = Tensor.randn(5L, 3, 100, 120).to(dt);
            check(dt + " batch", b.transpose(1, 2), c, Tensor::add, Double::sum);
            check(dt + " deferred", b.mul(2).transpose(1, 2), c, Tensor::maximum, Math::max);
        }
    }

    @Test
    void mapsAndGradientsSeeTheViewsElements() {
        for (DType dt : DType.values()) {
            Tensor x = Tensor.randn(6L, 220, 160).to(dt);
            Tensor xt = x.transpose(0, 1);
            double[] got = xt.exp().toDoubleArray();
            double[] want = elements(xt);
            for (int i = 0; i < want.length; i++) {
                want[i] = dt == DType.FLOAT32 ? (float) Math.exp(want[i]) : Math.exp(want[i]);
            }
            assertArrayEquals(want, got, dt == DType.FLOAT32 ? 1e-6 * 50 : 1e-13 * 50, dt + " x.T.exp()");
            // d/dx of sum(x.T · w) is w transposed back.
            Tensor leaf = x.detach().requiresGrad(true);
            Tensor w = Tensor.randn(7L, 160, 220).to(dt);
            leaf.transpose(0, 1).mul(w).backward();
            assertArrayEquals(w.transpose(0, 1).contiguous().toDoubleArray(), leaf.grad().toDoubleArray(), 0, dt + " gradient");
        }
    }

    private static void check(String what, Tensor a, Tensor b, BinaryOperator<Tensor> op, DoubleBinaryOperator f) {
        Tensor got = op.apply(a, b);
        int[] shape = got.shape();
        assertEquals(Arrays.toString(shape), Arrays.toString(Shapes.broadcastShape(a.shape(), b.shape())), what);
        double[] ea = elements(a.broadcastTo(shape));
        double[] eb = elements(b.broadcastTo(shape));
        double[] g = got.toDoubleArray();
        boolean f32 = got.dtype() == DType.FLOAT32;
        for (int i = 0; i < g.length; i++) {
            double want = f.applyAsDouble(ea[i], eb[i]);
            assertEquals(f32 ? (float) want : want, g[i], 0, what + " at flat index " + i);
        }
    }

    /** The view's elements in row-major order, read one by one through get(). */
    private static double[] elements(Tensor v) {
        int[] s = v.shape();
        double[] out = new double[(int) v.numel()];
        int[] idx = new int[s.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(idx);
            for (int d = s.length - 1; d >= 0 && ++idx[d] == s[d]; d--) {
                idx[d] = 0;
            }
        }
        return out;
    }

    /** numpy's broadcast shape of two shapes (both valid here). */
    private static final class Shapes {
        static int[] broadcastShape(int[] a, int[] b) {
            int n = Math.max(a.length, b.length);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                int da = i < n - a.length ? 1 : a[i - (n - a.length)];
                int db = i < n - b.length ? 1 : b[i - (n - b.length)];
                out[i] = Math.max(da, db);
            }
            return out;
        }
    }
}
