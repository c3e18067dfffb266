package dev.jgrad;

import dev.jgrad.autograd.TensorAccess;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jgrad.JoinsTestSupport.assertBadInput;
import static dev.jgrad.JoinsTestSupport.checkJvp;
import static dev.jgrad.JoinsTestSupport.checkSecondOrder;
import static dev.jgrad.JoinsTestSupport.checkVjp;
import static dev.jgrad.JoinsTestSupport.ramp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JoinsTest {

    /** Reference concat of row-major blocks: for each outer index, each input's block in turn. */
    private static double[] referenceConcat(int axis, Tensor... ts) {
        int total = 0;
        for (Tensor t : ts) {
            total += t.numel();
        }
        int[] s = ts[0].shape();
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= s[d];
        }
        double[] out = new double[total];
        int p = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : ts) {
                double[] data = t.toDoubleArray();
                int block = outer == 0 ? 0 : data.length / outer;
                for (int k = 0; k < block; k++) {
                    out[p++] = data[o * block + k];
                }
            }
        }
        return out;
    }

    @Test
    void concatValuesMatchLoopsOnEveryAxis() {
        Tensor a = ramp(0, 2, 3, 4);
        for (int axis = 0; axis < 3; axis++) {
            int[] sb = {2, 3, 4};
            sb[axis] = 1;
            int[] sc = {2, 3, 4};
            sc[axis] = 0;
            Tensor b = ramp(10, sb);
            Tensor c = ramp(20, sc);
            Tensor y = Tensor.concat(axis, a, b, c, a);
            int[] expectedShape = {2, 3, 4};
            expectedShape[axis] = 2 * expectedShape[axis] + 1;
            assertArrayEquals(expectedShape, y.shape());
            assertArrayEquals(referenceConcat(axis, a, b, c, a), y.toDoubleArray(), 0.0);
            assertArrayEquals(y.toDoubleArray(), Tensor.concat(axis - 3, a, b, c, a).toDoubleArray(), 0.0);
            assertTrue(y.isContiguous());
        }
    }

    @Test
    void concatOfOneTensorIsANewContiguousCopy() {
        Tensor t = ramp(1, 3, 2).transpose(0, 1);
        Tensor y = Tensor.concat(0, List.of(t));
        assertTrue(y.isContiguous());
        assertNotSame(TensorAccess.value(t).storage(), TensorAccess.value(y).storage());
        assertArrayEquals(t.toDoubleArray(), y.toDoubleArray(), 0.0);
    }

    @Test
    void concatAllEmpty() {
        Tensor y = Tensor.concat(1, Tensor.zeros(2, 0), Tensor.zeros(2, 0));
        assertArrayEquals(new int[] {2, 0}, y.shape());
    }

    @Test
    void concatNonContiguousInputsEqualContiguousCopies() {
        Tensor t = ramp(0, 4, 3).transpose(0, 1);
        Tensor s = ramp(5, 3, 8).slice(1, 1, 8, 2);
        Tensor fromViews = Tensor.concat(1, t, s);
        Tensor fromCopies = Tensor.concat(1, t.contiguous(), s.contiguous());
        assertArrayEquals(fromCopies.toDoubleArray(), fromViews.toDoubleArray(), 0.0);
        assertArrayEquals(new int[] {3, 8}, fromViews.shape());
    }

    @Test
    void concatDerivatives() {
        Tensor[] xs = {Tensor.randn(1, 2, 3), Tensor.randn(2, 2, 1), Tensor.randn(3, 2, 0), Tensor.randn(4, 2, 2)};
        checkVjp(p -> Tensor.concat(-1, p), xs);
        checkJvp(p -> Tensor.concat(1, p), xs);
        checkSecondOrder(p -> Tensor.concat(1, p), xs);
        checkVjp(p -> Tensor.concat(0, p[0].transpose(0, 1), p[1]), Tensor.randn(5, 2, 3), Tensor.randn(6, 1, 2));
    }

    @Test
    void concatPromotesToTheWidestDtypeAndGradientsKeepEachDtype() {
        Tensor f = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor d = Tensor.of(new double[] {3}, 1).requiresGrad(true);
        Tensor y = Tensor.concat(0, f, d);
        assertEquals(DType.FLOAT64, y.dtype());
        assertArrayEquals(new double[] {1, 2, 3}, y.toDoubleArray(), 0.0);
        y.mul(Tensor.of(2.0, 3.0, 4.0)).sum().backward();
        assertEquals(DType.FLOAT32, f.grad().dtype());
        assertArrayEquals(new double[] {2, 3}, f.grad().toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {4}, d.grad().toDoubleArray(), 0.0);
        Tensor both32 = Tensor.concat(0, Tensor.of(new float[] {0.1f}, 1), Tensor.of(new float[] {0.2f, 0.3f}, 2));
        assertEquals(DType.FLOAT32, both32.dtype());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, both32.toFloatArray(), 0f);
    }

    @Test
    void concatBadInputs() {
        Tensor a = Tensor.zeros(2, 3);
        assertBadInput(() -> Tensor.concat(0, a, Tensor.zeros(2, 4)), "concat", "[2, 3]", "[2, 4]", "axis 1");
        assertBadInput(() -> Tensor.concat(0, a, Tensor.zeros(2, 3, 1)), "concat", "[2, 3]", "[2, 3, 1]", "rank");
        assertBadInput(() -> Tensor.concat(2, a, a), "concat", "[2, 3], [2, 3]", "axis 2");
        assertBadInput(() -> Tensor.concat(-3, a, a), "concat", "[2, 3]", "axis -3");
        assertBadInput(() -> Tensor.concat(0, Tensor.scalar(1), Tensor.scalar(2)), "concat", "[], []", "zero-dimensional");
        assertBadInput(() -> Tensor.concat(0), "concat", "at least one");
        Tensor wide = Tensor.zeros(1, 46_000).broadcastTo(46_000, 46_000);
        assertBadInput(() -> Tensor.concat(1, wide, wide), "concat", "[46000, 46000], [46000, 46000]", "elements");
        assertBadInput(() -> Tensor.concat(0, a, null), "concat", "tensor 1", "null");
    }

    @Test
    void stackValuesMatchLoops() {
        Tensor a = ramp(0, 2, 3);
        Tensor b = ramp(10, 2, 3);
        double[] da = a.toDoubleArray();
        double[] db = b.toDoubleArray();
        Tensor y0 = Tensor.stack(0, a, b);
        assertArrayEquals(new int[] {2, 2, 3}, y0.shape());
        Tensor y2 = Tensor.stack(-1, a, b);
        assertArrayEquals(new int[] {2, 3, 2}, y2.shape());
        Tensor y1 = Tensor.stack(1, List.of(a, b));
        assertArrayEquals(new int[] {2, 2, 3}, y1.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(da[i * 3 + j], y0.get(0, i, j));
                assertEquals(db[i * 3 + j], y0.get(1, i, j));
                assertEquals(da[i * 3 + j], y1.get(i, 0, j));
                assertEquals(db[i * 3 + j], y1.get(i, 1, j));
                assertEquals(da[i * 3 + j], y2.get(i, j, 0));
                assertEquals(db[i * 3 + j], y2.get(i, j, 1));
            }
        }
    }

    @Test
    void stackOfScalarsAndEmpties() {
        Tensor y = Tensor.stack(0, Tensor.scalar(1.5), Tensor.scalar(-2), Tensor.scalar(3));
        assertArrayEquals(new int[] {3}, y.shape());
        assertArrayEquals(new double[] {1.5, -2, 3}, y.toDoubleArray(), 0.0);
        assertArrayEquals(new int[] {0, 2}, Tensor.stack(1, Tensor.zeros(0), Tensor.zeros(0)).shape());
    }

    @Test
    void stackDerivatives() {
        Tensor[] xs = {Tensor.randn(11, 3, 2), Tensor.randn(12, 3, 2), Tensor.randn(13, 3, 2)};
        checkVjp(p -> Tensor.stack(1, p), xs);
        checkJvp(p -> Tensor.stack(-1, p), xs);
        checkSecondOrder(p -> Tensor.stack(0, p), xs);
        checkVjp(p -> Tensor.stack(0, p), Tensor.randn(14), Tensor.randn(15));
    }

    @Test
    void stackBadInputs() {
        Tensor a = Tensor.zeros(2, 3);
        assertBadInput(() -> Tensor.stack(0, a, Tensor.zeros(3, 2)), "stack", "[2, 3], [3, 2]", "same shape");
        assertBadInput(() -> Tensor.stack(3, a, a), "stack", "[2, 3], [2, 3]", "axis 3");
        assertBadInput(() -> Tensor.stack(-4, a, a), "stack", "[2, 3]", "axis -4");
        assertBadInput(() -> Tensor.stack(0, new Tensor[0]), "stack", "at least one");
    }

    @Test
    void splitBySizeGivesViewsWithASmallerLastPiece() {
        Tensor x = ramp(0, 3, 7);
        List<Tensor> pieces = x.split(3, -1);
        assertEquals(3, pieces.size());
        int[][] shapes = {{3, 3}, {3, 3}, {3, 1}};
        double[] xs = x.toDoubleArray();
        for (int k = 0; k < 3; k++) {
            Tensor p = pieces.get(k);
            assertArrayEquals(shapes[k], p.shape());
            assertSame(TensorAccess.value(x).storage(), TensorAccess.value(p).storage());
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < p.shape()[1]; j++) {
                    assertEquals(xs[i * 7 + 3 * k + j], p.get(i, j));
                }
            }
        }
        assertEquals(1, x.split(10, 1).size());
        assertEquals(1, Tensor.zeros(0, 2).split(2, 0).size());
    }

    @Test
    void splitBySizesAndChunk() {
        Tensor x = ramp(0, 6, 2);
        List<Tensor> pieces = x.split(new int[] {1, 0, 5}, 0);
        assertArrayEquals(new int[] {1, 2}, pieces.get(0).shape());
        assertArrayEquals(new int[] {0, 2}, pieces.get(1).shape());
        assertArrayEquals(new int[] {5, 2}, pieces.get(2).shape());
        assertArrayEquals(x.slice(0, 1, 6).toDoubleArray(), pieces.get(2).toDoubleArray(), 0.0);

        // torch.chunk: piece size ceil(n / chunks), possibly fewer pieces than asked for.
        int[] sizes = x.chunk(4, 0).stream().mapToInt(t -> t.size(0)).toArray();
        assertArrayEquals(new int[] {2, 2, 2}, sizes);
        assertArrayEquals(new int[] {2, 2, 1}, Tensor.zeros(5).chunk(3, 0).stream().mapToInt(t -> t.size(0)).toArray());
        assertArrayEquals(new int[] {1, 1}, x.chunk(5, -1).stream().mapToInt(t -> t.size(1)).toArray());
        assertEquals(3, Tensor.zeros(0).chunk(3, 0).size());
    }

    @Test
    void splitAndChunkPiecesAreDifferentiable() {
        checkVjp(p -> {
            List<Tensor> s = p[0].split(new int[] {2, 3}, 1);
            return s.get(1).sum(new int[] {1}, false).mul(s.get(0).sum(new int[] {1}, false));
        }, Tensor.randn(21, 2, 5));
        checkJvp(p -> p[0].chunk(3, 0).get(2), Tensor.randn(22, 7, 2));
        checkSecondOrder(p -> p[0].split(2, -1).get(1), Tensor.randn(23, 3, 5));
    }

    @Test
    void splitAndChunkBadInputs() {
        Tensor x = Tensor.zeros(2, 5);
        assertBadInput(() -> x.split(0, 1), "split", "[2, 5]", "size", "0", "axis 1");
        assertBadInput(() -> x.split(-2, 0), "split", "[2, 5]", "-2");
        assertBadInput(() -> x.split(new int[] {2, 2}, 1), "split", "[2, 5]", "[2, 2]", "add up to 4", "axis 1");
        assertBadInput(() -> x.split(new int[] {6, -1}, 1), "split", "[2, 5]", "-1", "negative");
        assertBadInput(() -> x.split(2, 2), "split", "[2, 5]", "axis 2");
        assertBadInput(() -> x.chunk(0, 1), "chunk", "[2, 5]", "chunks", "0", "axis 1");
        assertBadInput(() -> x.chunk(2, -3), "chunk", "[2, 5]", "axis -3");
    }

    @Test
    void padValuesMatchLoops() {
        Tensor x = ramp(1, 2, 3);
        double[] xs = x.toDoubleArray();
        Tensor y = x.pad(new int[][] {{1, 2}, {0, 3}}, 7.5);
        assertArrayEquals(new int[] {5, 6}, y.shape());
        double[] expected = new double[30];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 6; j++) {
                boolean inside = i >= 1 && i < 3 && j < 3;
                expected[i * 6 + j] = inside ? xs[(i - 1) * 3 + j] : 7.5;
            }
        }
        assertArrayEquals(expected, y.toDoubleArray(), 0.0);
        Tensor t = ramp(0, 3, 2).transpose(0, 1);
        assertArrayEquals(t.contiguous().pad(new int[][] {{2, 0}, {1, 1}}, -1).toDoubleArray(),
                t.pad(new int[][] {{2, 0}, {1, 1}}, -1).toDoubleArray(), 0.0);
    }

    @Test
    void padScalarsEmptiesAndFloat32() {
        Tensor s = Tensor.scalar(4).pad(new int[0][], 0);
        assertArrayEquals(new int[0], s.shape());
        assertEquals(4, s.item());
        Tensor e = Tensor.zeros(0, 2).pad(new int[][] {{1, 1}, {0, 0}}, 3);
        assertArrayEquals(new int[] {2, 2}, e.shape());
        assertArrayEquals(new double[] {3, 3, 3, 3}, e.toDoubleArray(), 0.0);
        Tensor f = Tensor.of(new float[] {0.1f, 0.2f}, 2).pad(new int[][] {{1, 0}}, 0.3);
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new float[] {0.3f, 0.1f, 0.2f}, f.toFloatArray(), 0f);
    }

    @Test
    void padDerivatives() {
        int[][] w = {{1, 0}, {2, 1}};
        checkVjp(p -> p[0].pad(w, 2.5), Tensor.randn(31, 2, 3));
        checkJvp(p -> p[0].pad(w, 2.5), Tensor.randn(32, 2, 3));
        checkSecondOrder(p -> p[0].pad(w, 0.5), Tensor.randn(33, 2, 3));
        checkVjp(p -> p[0].transpose(0, 1).pad(new int[][] {{0, 1}, {1, 0}}, 1), Tensor.randn(34, 2, 3));
    }

    @Test
    void padBadInputs() {
        Tensor x = Tensor.zeros(2, 3);
        assertBadInput(() -> x.pad(new int[][] {{0, 0}, {1, -2}}, 0), "pad", "[2, 3]", "-2", "axis 1");
        assertBadInput(() -> x.pad(new int[][] {{-1, 0}, {0, 0}}, 0), "pad", "[2, 3]", "-1", "axis 0");
        assertBadInput(() -> x.pad(new int[][] {{1, 1}}, 0), "pad", "[2, 3]", "1 pairs");
        assertBadInput(() -> x.pad(new int[][] {{1, 1}, {1}}, 0), "pad", "[2, 3]", "axis 1", "[1]");
        assertBadInput(() -> x.pad(null, 0), "pad", "[2, 3]", "null");
        assertBadInput(() -> x.pad(new int[][] {{0, 100_000}, {0, 100_000}}, 0), "pad", "[2, 3]", "100000", "elements");
    }
}
