package dev.jgrad;

import org.junit.jupiter.api.Test;

import static dev.jgrad.JoinsTestSupport.assertBadInput;
import static dev.jgrad.JoinsTestSupport.checkJvp;
import static dev.jgrad.JoinsTestSupport.checkSecondOrder;
import static dev.jgrad.JoinsTestSupport.checkVjp;
import static dev.jgrad.JoinsTestSupport.ramp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexingTest {
    private static final int[] PICKS = {2, 0, -1, 2, 1};

    /** Reference indexSelect on a [2, 3, 4] row-major array along axis 1. */
    private static double[] referenceSelectAxis1(double[] x, int[] picks) {
        double[] out = new double[2 * picks.length * 4];
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < picks.length; k++) {
                int src = picks[k] < 0 ? picks[k] + 3 : picks[k];
                for (int j = 0; j < 4; j++) {
                    out[(i * picks.length + k) * 4 + j] = x[(i * 3 + src) * 4 + j];
                }
            }
        }
        return out;
    }

    @Test
    void indexSelectValuesMatchLoops() {
        Tensor x = ramp(0, 2, 3, 4);
        Tensor y = x.indexSelect(1, PICKS);
        assertArrayEquals(new int[] {2, 5, 4}, y.shape());
        assertTrue(y.isContiguous());
        assertArrayEquals(referenceSelectAxis1(x.toDoubleArray(), PICKS), y.toDoubleArray(), 0.0);
        assertArrayEquals(y.toDoubleArray(), x.indexSelect(-2, PICKS).toDoubleArray(), 0.0);
        Tensor last = x.indexSelect(-1, 3, 0);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(x.get(i, j, 3), last.get(i, j, 0));
                assertEquals(x.get(i, j, 0), last.get(i, j, 1));
            }
        }
    }

    @Test
    void indexSelectNonContiguousEmptyAndFloat32() {
        Tensor t = ramp(0, 4, 3, 2).permute(2, 0, 1).slice(1, 0, 4, 2);
        assertArrayEquals(t.contiguous().indexSelect(2, 1, 1, 0).toDoubleArray(),
                t.indexSelect(2, 1, 1, 0).toDoubleArray(), 0.0);
        Tensor empty = ramp(0, 2, 3).indexSelect(1);
        assertArrayEquals(new int[] {2, 0}, empty.shape());
        Tensor f = Tensor.of(new float[] {0.1f, 0.2f, 0.3f}, 3).indexSelect(0, 2, 2, 0);
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new float[] {0.3f, 0.3f, 0.1f}, f.toFloatArray(), 0f);
    }

    @Test
    void repeatedIndicesAccumulateInTheGradient() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
        x.indexSelect(0, 2, 0, 2, -1).sum().backward();
        assertArrayEquals(new double[] {1, 1, 0, 0, 3, 3}, x.grad().toDoubleArray(), 0.0);
        Tensor e = Tensor.ones(3, 2).requiresGrad(true);
        e.indexSelect(1).sum().backward();
        assertArrayEquals(new double[6], e.grad().toDoubleArray(), 0.0);
    }

    @Test
    void indexSelectDerivatives() {
        checkVjp(p -> p[0].indexSelect(1, PICKS), Tensor.randn(1, 2, 3, 4));
        checkJvp(p -> p[0].indexSelect(-1, 3, 3, 0), Tensor.randn(2, 2, 3, 4));
        checkSecondOrder(p -> p[0].indexSelect(0, 1, 1, 0, 1), Tensor.randn(3, 2, 3));
        checkVjp(p -> p[0].transpose(0, 1).indexSelect(0, 0, 2, 0), Tensor.randn(4, 2, 3));
    }

    @Test
    void indexSelectBadInputs() {
        Tensor x = Tensor.zeros(2, 3);
        assertBadInput(() -> x.indexSelect(1, 0, 3), "indexSelect", "[2, 3]", "axis 1", "index 3", "position 1");
        assertBadInput(() -> x.indexSelect(0, -3), "indexSelect", "[2, 3]", "axis 0", "index -3", "position 0");
        assertBadInput(() -> x.indexSelect(2, 0), "indexSelect", "[2, 3]", "axis 2");
        assertBadInput(() -> x.indexSelect(0, (int[]) null), "indexSelect", "[2, 3]", "null");
        assertBadInput(() -> Tensor.scalar(1).indexSelect(0, 0), "indexSelect", "[]", "axis 0");
    }

    /** Reference gather on 3-D row-major arrays: out[i][j][k] = x[.. index value on axis ..]. */
    private static double[] referenceGather(Tensor x, int axis, Tensor index) {
        int[] xs = x.shape();
        int[] is = index.shape();
        double[] xd = x.toDoubleArray();
        double[] id = index.toDoubleArray();
        double[] out = new double[id.length];
        for (int i = 0; i < is[0]; i++) {
            for (int j = 0; j < is[1]; j++) {
                for (int k = 0; k < is[2]; k++) {
                    int flat = (i * is[1] + j) * is[2] + k;
                    int[] src = {i, j, k};
                    src[axis] = (int) id[flat];
                    out[flat] = xd[(src[0] * xs[1] + src[1]) * xs[2] + src[2]];
                }
            }
        }
        return out;
    }

    private static Tensor randomIndex(long seed, int bound, int... shape) {
        Tensor u = Tensor.rand(seed, shape);
        double[] d = u.toDoubleArray();
        for (int k = 0; k < d.length; k++) {
            d[k] = Math.floor(d[k] * bound);
        }
        return Tensor.of(d, shape);
    }

    @Test
    void gatherValuesMatchLoopsOnEveryAxis() {
        Tensor x = ramp(0, 3, 4, 5);
        int[][] indexShapes = {{5, 2, 3}, {2, 6, 5}, {3, 1, 7}};
        for (int axis = 0; axis < 3; axis++) {
            Tensor index = randomIndex(40 + axis, x.shape()[axis], indexShapes[axis]);
            Tensor y = x.gather(axis, index);
            assertArrayEquals(indexShapes[axis], y.shape());
            assertArrayEquals(referenceGather(x, axis, index), y.toDoubleArray(), 0.0);
            assertArrayEquals(y.toDoubleArray(), x.gather(axis - 3, index).toDoubleArray(), 0.0);
        }
    }

    @Test
    void gatherNonContiguousEmptyAndFloat32() {
        Tensor x = ramp(0, 5, 4).transpose(0, 1);
        Tensor index = randomIndex(50, 5, 3, 4).transpose(0, 1).slice(1, 0, 3, 2);
        assertArrayEquals(x.contiguous().gather(1, index.contiguous()).toDoubleArray(),
                x.gather(1, index).toDoubleArray(), 0.0);
        assertArrayEquals(new int[] {0, 3}, x.gather(0, Tensor.zeros(0, 3)).shape());
        Tensor f = Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 2, 2);
        Tensor g = f.gather(1, Tensor.of(new double[] {1, 1, 0, 1}, 2, 2));
        assertEquals(DType.FLOAT32, g.dtype());
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.3f, 0.4f}, g.toFloatArray(), 0f);
    }

    @Test
    void gatherGradientAccumulatesAndTheIndexGetsNone() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor index = Tensor.of(new double[] {2, 2, 0, 1}, 2, 2).requiresGrad(true);
        Tensor y = x.gather(1, index);
        assertArrayEquals(new double[] {3, 3, 4, 5}, y.toDoubleArray(), 0.0);
        y.mul(Tensor.of(new double[] {1, 10, 100, 1000}, 2, 2)).sum().backward();
        assertArrayEquals(new double[] {0, 0, 11, 100, 1000, 0}, x.grad().toDoubleArray(), 0.0);
        assertArrayEquals(new double[4], index.grad().toDoubleArray(), 0.0);
        Tensor free = Tensor.ones(2, 2).gather(0, index.detach().mul(0).requiresGrad(true));
        assertFalse(free.requiresGrad());
    }

    @Test
    void gatherDerivatives() {
        Tensor index = randomIndex(60, 3, 4, 2, 2);
        checkVjp(p -> p[0].gather(0, index), Tensor.randn(5, 3, 3, 2));
        checkJvp(p -> p[0].gather(-3, index), Tensor.randn(6, 3, 3, 2));
        checkSecondOrder(p -> p[0].gather(0, index), Tensor.randn(7, 3, 3, 2));
        Tensor index1 = randomIndex(61, 3, 2, 5);
        checkVjp(p -> p[0].transpose(0, 1).gather(1, index1), Tensor.randn(8, 3, 2));
        checkSecondOrder(p -> p[0].transpose(0, 1).gather(1, index1), Tensor.randn(8, 3, 2));
    }

    @Test
    void gatherBadInputs() {
        Tensor x = Tensor.zeros(2, 3);
        assertBadInput(() -> x.gather(1, Tensor.of(new double[] {0, 1.5}, 1, 2)),
                "gather", "[2, 3]", "[1, 2]", "1.5", "axis 1", "not an integer");
        assertBadInput(() -> x.gather(1, Tensor.of(new double[] {0, Double.NaN}, 1, 2)),
                "gather", "[2, 3]", "[1, 2]", "NaN", "axis 1");
        assertBadInput(() -> x.gather(1, Tensor.of(new double[] {3}, 1, 1)),
                "gather", "[2, 3]", "[1, 1]", "value 3", "axis 1", "out of range");
        assertBadInput(() -> x.gather(0, Tensor.of(new double[] {-1}, 1, 1)),
                "gather", "[2, 3]", "[1, 1]", "value -1", "axis 0");
        assertBadInput(() -> x.gather(0, Tensor.zeros(2)), "gather", "[2, 3]", "[2]", "rank", "axis 0");
        assertBadInput(() -> x.gather(0, Tensor.zeros(1, 4)), "gather", "[2, 3]", "[1, 4]", "axis 1", "axis 0");
        assertBadInput(() -> x.gather(2, Tensor.zeros(1, 1)), "gather", "[2, 3]", "axis 2");
        assertBadInput(() -> x.gather(0, null), "gather", "[2, 3]", "null");
    }
}
