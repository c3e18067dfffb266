package dev.jgrad;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reductions of broadcast views (stride 0 along a reduced axis) are folded: max and min ignore the
 * repeated axis, a sum multiplies by its size. Checked against the same reduction of a
 * materialised copy, over axis sets mixing broadcast and ordinary axes, keepDims, both dtypes,
 * with an empty axis; and on gradients, where backward()'s broadcast seed meets a summing rule.
 */
class BroadcastReductionTest {
    private static final int[][] AXES = {{0}, {1}, {2}, {0, 1}, {1, 2}, {0, 2}, {0, 1, 2}};

    @Test
    void foldedReductionsMatchTheMaterialisedOnes() {
        for (DType dt : DType.values()) {
            // [3, 1, 5] broadcast to [3, 4, 5]: axis 1 repeats; [1, 4, 1] to [3, 4, 5]: axes 0 and 2.
            Tensor[] views = {
                Tensor.randn(1L, 3, 1, 5).to(dt).broadcastTo(3, 4, 5),
                Tensor.randn(2L, 1, 4, 1).to(dt).broadcastTo(3, 4, 5),
                Tensor.randn(3L, 1, 1, 1).to(dt).broadcastTo(3, 4, 5),
            };
            for (Tensor v : views) {
                Tensor c = v.contiguous();
                for (int[] axes : AXES) {
                    for (boolean keep : new boolean[] {false, true}) {
                        String what = dt + " " + java.util.Arrays.toString(axes) + " keepDims " + keep;
                        close(c.sum(axes, keep), v.sum(axes, keep), dt, "sum " + what);
                        close(c.norm(axes, keep), v.norm(axes, keep), dt, "norm " + what);
                        assertArrayEquals(c.max(axes, keep).toDoubleArray(), v.max(axes, keep).toDoubleArray(), "max " + what);
                        assertArrayEquals(c.min(axes, keep).toDoubleArray(), v.min(axes, keep).toDoubleArray(), "min " + what);
                        assertArrayEquals(c.sum(axes, keep).shape(), v.sum(axes, keep).shape(), "shape " + what);
                    }
                }
            }
            Tensor empty = Tensor.randn(4L, 1, 0).to(dt).broadcastTo(6, 0);
            assertArrayEquals(new int[] {0}, empty.sum(new int[] {0}, false).shape());
            assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0}, empty.sum(new int[] {1}, false).toDoubleArray());
        }
    }

    @Test
    void aBroadcastSeedSummedByARuleGivesTheGradient() {
        // backward() of a [4, 6] result seeds ones through a stride-0 view; the bias's rule sums it.
        Tensor b = Tensor.randn(5L, 6).requiresGrad(true);
        Tensor x = Tensor.randn(6L, 4, 6);
        x.add(b).backward();
        assertArrayEquals(new double[] {4, 4, 4, 4, 4, 4}, b.grad().toDoubleArray());
        Tensor s = Tensor.randn(7L, 4, 6).requiresGrad(true);
        s.logSoftmax(1).backward();
        // d/dx Σ_j logSoftmax(x)_j = 1 − 6·softmax(x): rows of the gradient sum to 0.
        double[] g = s.grad().sum(new int[] {1}, false).toDoubleArray();
        for (double v : g) {
            assertEquals(0, v, 1e-12);
        }
    }

    private static void close(Tensor want, Tensor got, DType dt, String what) {
        double[] w = want.toDoubleArray();
        double[] v = got.toDoubleArray();
        assertEquals(w.length, v.length, what);
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], v[i], (dt == DType.FLOAT32 ? 1e-5 : 1e-13) * Math.max(1, Math.abs(w[i])), what + " at " + i);
        }
    }
}
