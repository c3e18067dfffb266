package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** matmul / dot / outer against naive loops, finite differences and the adjoint identity. */
class LinalgTest {
    private static final double H = 1e-6;

    /** Every rank combination torch.matmul distinguishes, including broadcast batch axes. */
    static Stream<Arguments> shapePairs() {
        return Stream.of(
                pair(new int[] {4}, new int[] {4}),
                pair(new int[] {3}, new int[] {3, 5}),
                pair(new int[] {4, 3}, new int[] {3}),
                pair(new int[] {4, 3}, new int[] {3, 5}),
                pair(new int[] {2, 4, 3}, new int[] {3, 5}),
                pair(new int[] {4, 3}, new int[] {2, 3, 5}),
                pair(new int[] {2, 1, 3, 4}, new int[] {5, 4, 6}),
                pair(new int[] {1, 4, 3}, new int[] {2, 3, 2}),
                pair(new int[] {3}, new int[] {2, 3, 5}),
                pair(new int[] {2, 4, 3}, new int[] {3}),
                pair(new int[] {1, 1}, new int[] {1, 1}));
    }

    private static Arguments pair(int[] sa, int[] sb) {
        return Arguments.of(sa, sb);
    }

    // ------------------------------------------------------------------ reference

    /** A row-major result of the naive reference. */
    record Ref(double[] data, int[] shape) {
    }

    /** torch.matmul by plain loops: promote 1-D operands, broadcast batches by index, triple loop. */
    static Ref reference(double[] a, int[] sa, double[] b, int[] sb) {
        int[] pa = sa.length == 1 ? new int[] {1, sa[0]} : sa;
        int[] pb = sb.length == 1 ? new int[] {sb[0], 1} : sb;
        int m = pa[pa.length - 2];
        int k = pa[pa.length - 1];
        int n = pb[pb.length - 1];
        int nd = Math.max(pa.length, pb.length) - 2;
        int[] batch = new int[nd];
        for (int d = 0; d < nd; d++) {
            batch[d] = Math.max(batchDim(pa, nd, d), batchDim(pb, nd, d));
        }
        int batches = 1;
        for (int s : batch) {
            batches *= s;
        }
        double[] out = new double[batches * m * n];
        for (int bi = 0; bi < batches; bi++) {
            int aBase = 0;
            int bBase = 0;
            int rest = bi;
            int aMul = m * k;
            int bMul = k * n;
            for (int d = nd - 1; d >= 0; d--) {
                int idx = rest % batch[d];
                rest /= batch[d];
                int da = batchDim(pa, nd, d);
                int db = batchDim(pb, nd, d);
                aBase += (da == 1 ? 0 : idx) * aMul;
                bBase += (db == 1 ? 0 : idx) * bMul;
                aMul *= da;
                bMul *= db;
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a[aBase + i * k + p] * b[bBase + p * n + j];
                    }
                    out[bi * m * n + i * n + j] = s;
                }
            }
        }
        int[] shape = Arrays.copyOf(batch, nd + 2);
        int len = nd;
        if (sa.length > 1) {
            shape[len++] = m;
        }
        if (sb.length > 1) {
            shape[len++] = n;
        }
        return new Ref(out, Arrays.copyOf(shape, len));
    }

    /** Size of batch axis d (of nd, aligned right) of a promoted shape; 1 when absent. */
    private static int batchDim(int[] promoted, int nd, int d) {
        int lead = nd - (promoted.length - 2);
        return d < lead ? 1 : promoted[d - lead];
    }

    /** Random operands a, b and directions va, vb of their shapes. */
    record Draw(double[] a, double[] b, double[] va, double[] vb) {
        static Draw of(Random rng, int[] sa, int[] sb) {
            return new Draw(random(rng, sa), random(rng, sb), random(rng, sa), random(rng, sb));
        }
    }

    private static double[] random(Random rng, int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = rng.nextGaussian();
        }
        return d;
    }

    private static double inner(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static void assertClose(double[] expected, double[] actual, double rtol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tol = rtol * Math.max(1.0, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i]);
        }
    }

    private static double[] plus(double[] x, double[] dir, double h) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += h * dir[i];
        }
        return out;
    }

    /** Central differences (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for every coordinate i. */
    private static double[] centralDifferences(double[] x, ToDoubleFunction<double[]> f) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] e = new double[x.length];
            e[i] = 1;
            out[i] = (f.applyAsDouble(plus(x, e, H)) - f.applyAsDouble(plus(x, e, -H))) / (2 * H);
        }
        return out;
    }

    // ------------------------------------------------------------------ values

    @ParameterizedTest
    @MethodSource("shapePairs")
    void valuesMatchNaiveLoops(int[] sa, int[] sb) {
        Random rng = new Random(1);
        double[] a = random(rng, sa);
        double[] b = random(rng, sb);
        Tensor y = Tensor.of(a, sa).matmul(Tensor.of(b, sb));
        Ref ref = reference(a, sa, b, sb);
        assertArrayEquals(ref.shape(), y.shape());
        assertEquals(DType.FLOAT64, y.dtype());
        assertClose(ref.data(), y.toDoubleArray(), 1e-12, "matmul");
    }

    @Test
    void oneByOneIsZeroDimDotAndMatchesDot() {
        Tensor a = Tensor.of(1, 2, 3);
        Tensor b = Tensor.of(4, -5, 6);
        Tensor y = a.matmul(b);
        assertEquals(0, y.ndim());
        assertEquals(12.0, y.item(), 0);
        assertEquals(12.0, a.dot(b).item(), 0);
    }

    @Test
    void outerValuesAndGradients() {
        double[] a = {1, -2, 3};
        double[] b = {0.5, 4};
        double[] w = {1, 2, 3, 4, 5, 6};
        Tensor ta = Tensor.of(a).requiresGrad(true);
        Tensor tb = Tensor.of(b).requiresGrad(true);
        Tensor y = ta.outer(tb);
        assertArrayEquals(new int[] {3, 2}, y.shape());
        double[] expected = new double[6];
        double[] ga = new double[3];
        double[] gb = new double[2];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                expected[i * 2 + j] = a[i] * b[j];
                ga[i] += w[i * 2 + j] * b[j];
                gb[j] += w[i * 2 + j] * a[i];
            }
        }
        assertArrayEquals(expected, y.toDoubleArray(), 0);
        y.backward(Tensor.of(w, 3, 2));
        assertArrayEquals(ga, ta.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(gb, tb.grad().toDoubleArray(), 1e-12);
    }

    // ------------------------------------------------------------------ non-contiguous operands

    @Test
    void transposedSlicedPermutedAndBroadcastOperandsMatchContiguousCopies() {
        Random rng = new Random(2);
        checkViewAgainstCopy(rng, new int[] {3, 4}, Tensor::mT, new int[] {5, 3}, Tensor::mT);
        checkViewAgainstCopy(rng, new int[] {2, 4, 3}, Tensor::mT, new int[] {4, 10}, t -> t.slice(1, 0, 10, 2));
        checkViewAgainstCopy(rng, new int[] {3, 2, 4}, t -> t.permute(1, 0, 2), new int[] {2, 5, 4}, Tensor::mT);
        checkViewAgainstCopy(rng, new int[] {3, 4}, t -> t.expand(2, 3, 4), new int[] {4, 5}, t -> t.expand(2, 4, 5));
        checkViewAgainstCopy(rng, new int[] {8}, t -> t.slice(0, 1, 8, 2), new int[] {6, 4}, t -> t.slice(0, 1, 6).mT());
        checkViewAgainstCopy(rng, new int[] {5, 3}, t -> t.slice(0, 1, 5), new int[] {6}, t -> t.slice(0, 0, 6, 2));
    }

    /** y = view(A)·view(B) equals the same product of contiguous copies, in value and gradient. */
    private static void checkViewAgainstCopy(Random rng, int[] baseA, UnaryOperator<Tensor> viewA,
                                             int[] baseB, UnaryOperator<Tensor> viewB) {
        double[] a = random(rng, baseA);
        double[] b = random(rng, baseB);
        Tensor va = Tensor.of(a, baseA).requiresGrad(true);
        Tensor vb = Tensor.of(b, baseB).requiresGrad(true);
        Tensor ca = Tensor.of(a, baseA).requiresGrad(true);
        Tensor cb = Tensor.of(b, baseB).requiresGrad(true);
        Tensor viewed = viewA.apply(va).matmul(viewB.apply(vb));
        Tensor copied = viewA.apply(ca).contiguous().matmul(viewB.apply(cb).contiguous());
        String what = "views of " + Arrays.toString(baseA) + " and " + Arrays.toString(baseB);
        assertArrayEquals(copied.shape(), viewed.shape(), what);
        assertClose(copied.toDoubleArray(), viewed.toDoubleArray(), 1e-12, what);
        Tensor seed = Tensor.of(random(rng, viewed.shape()), viewed.shape());
        viewed.backward(seed);
        copied.backward(seed);
        assertClose(ca.grad().toDoubleArray(), va.grad().toDoubleArray(), 1e-12, what + " grad a");
        assertClose(cb.grad().toDoubleArray(), vb.grad().toDoubleArray(), 1e-12, what + " grad b");
    }

    // ------------------------------------------------------------------ first order

    @ParameterizedTest
    @MethodSource("shapePairs")
    void reverseGradientsMatchFiniteDifferences(int[] sa, int[] sb) {
        Random rng = new Random(3);
        double[] a = random(rng, sa);
        double[] b = random(rng, sb);
        Ref y0 = reference(a, sa, b, sb);
        double[] w = random(rng, y0.shape());
        Tensor ta = Tensor.of(a, sa).requiresGrad(true);
        Tensor tb = Tensor.of(b, sb).requiresGrad(true);
        ta.matmul(tb).backward(Tensor.of(w, y0.shape()));
        assertArrayEquals(sa, ta.grad().shape());
        assertArrayEquals(sb, tb.grad().shape());
        double[] fdA = centralDifferences(a, x -> inner(reference(x, sa, b, sb).data(), w));
        double[] fdB = centralDifferences(b, x -> inner(reference(a, sa, x, sb).data(), w));
        assertClose(fdA, ta.grad().toDoubleArray(), 1e-6, "grad a");
        assertClose(fdB, tb.grad().toDoubleArray(), 1e-6, "grad b");
    }

    @ParameterizedTest
    @MethodSource("shapePairs")
    void forwardTangentsMatchFiniteDifferencesAndTheAdjointIdentity(int[] sa, int[] sb) {
        Random rng = new Random(4);
        Draw d = Draw.of(rng, sa, sb);
        double[] a = d.a();
        double[] b = d.b();
        double[] da = d.va();
        double[] db = d.vb();
        ForwardTag tag = new ForwardTag();
        Tensor ta = Tensor.of(a, sa).requiresGrad(true);
        Tensor tb = Tensor.of(b, sb).requiresGrad(true);
        Autograd.seedTangent(ta, tag, Tensor.of(da, sa));
        Autograd.seedTangent(tb, tag, Tensor.of(db, sb));
        Tensor y = ta.matmul(tb);
        double[] jvp = Autograd.tangentOf(y, tag).toDoubleArray();
        tag.close();
        double[] up = reference(plus(a, da, H), sa, plus(b, db, H), sb).data();
        double[] down = reference(plus(a, da, -H), sa, plus(b, db, -H), sb).data();
        double[] fd = new double[up.length];
        for (int i = 0; i < fd.length; i++) {
            fd[i] = (up[i] - down[i]) / (2 * H);
        }
        assertClose(fd, jvp, 1e-6, "jvp");

        // <ȳ, J ẋ> = <Jᵀ ȳ, ẋ>: forward and reverse agree without finite-difference noise.
        double[] ybar = random(rng, y.shape());
        y.backward(Tensor.of(ybar, y.shape()));
        double lhs = inner(ybar, jvp);
        double rhs = inner(ta.grad().toDoubleArray(), da) + inner(tb.grad().toDoubleArray(), db);
        assertEquals(lhs, rhs, 1e-10 * Math.max(1, Math.abs(lhs)));
    }

    @Test
    void onlyTheOperandThatRequiresAGradientGetsOne() {
        Tensor a = Tensor.randn(5, 2, 3, 4).requiresGrad(true);
        Tensor b = Tensor.randn(6, 4, 2);
        a.matmul(b).backward();
        assertArrayEquals(new int[] {2, 3, 4}, a.grad().shape());
        assertNull(b.grad());
        // each row of a's gradient is the row sums of b, for every batch and row
        double[] bs = b.toDoubleArray();
        double[] g = a.grad().toDoubleArray();
        for (int i = 0; i < g.length; i++) {
            int p = i % 4;
            assertEquals(bs[p * 2] + bs[p * 2 + 1], g[i], 1e-12);
        }
    }

    // ------------------------------------------------------------------ second order

    /**
     * f = Σ (a·b)²; s = <∂f/∂a, va> + <∂f/∂b, vb> built with createGraph, then differentiated:
     * compared with central differences of s computed from first-order gradients.
     */
    @ParameterizedTest
    @MethodSource("shapePairs")
    void gradOfGradMatchesFiniteDifferencesOfTheGradient(int[] sa, int[] sb) {
        Draw d = Draw.of(new Random(5), sa, sb);
        double[] a = d.a();
        double[] b = d.b();
        double[] va = d.va();
        double[] vb = d.vb();
        Tensor ta = Tensor.of(a, sa).requiresGrad(true);
        Tensor tb = Tensor.of(b, sb).requiresGrad(true);
        ta.matmul(tb).square().sum().backward(null, false, true);
        Tensor s = ta.grad().mul(Tensor.of(va, sa)).sum().add(tb.grad().mul(Tensor.of(vb, sb)).sum());
        ta.zeroGrad();
        tb.zeroGrad();
        s.backward();
        double[] fdA = centralDifferences(a, x -> directional(x, sa, b, sb, va, vb));
        double[] fdB = centralDifferences(b, x -> directional(a, sa, x, sb, va, vb));
        assertClose(fdA, ta.grad().toDoubleArray(), 1e-6, "second-order a");
        assertClose(fdB, tb.grad().toDoubleArray(), 1e-6, "second-order b");
    }

    /** <∂f/∂a, va> + <∂f/∂b, vb> for f = Σ (a·b)², by one plain backward pass. */
    private static double directional(double[] a, int[] sa, double[] b, int[] sb, double[] va, double[] vb) {
        Tensor ta = Tensor.of(a, sa).requiresGrad(true);
        Tensor tb = Tensor.of(b, sb).requiresGrad(true);
        ta.matmul(tb).square().sum().backward();
        return inner(ta.grad().toDoubleArray(), va) + inner(tb.grad().toDoubleArray(), vb);
    }

    // ------------------------------------------------------------------ dtype

    @ParameterizedTest
    @MethodSource("shapePairs")
    void float32AgreesWithFloat64(int[] sa, int[] sb) {
        Random rng = new Random(6);
        double[] a = random(rng, sa);
        double[] b = random(rng, sb);
        Tensor a32 = Tensor.of(a, sa).to(DType.FLOAT32).requiresGrad(true);
        Tensor b32 = Tensor.of(b, sb).to(DType.FLOAT32).requiresGrad(true);
        Tensor y32 = a32.matmul(b32);
        assertEquals(DType.FLOAT32, y32.dtype());
        Tensor y64 = Tensor.of(a, sa).matmul(Tensor.of(b, sb));
        assertClose(y64.toDoubleArray(), y32.toDoubleArray(), 1e-4, "float32 value");
        y32.sum().backward();
        assertEquals(DType.FLOAT32, a32.grad().dtype());
        assertEquals(DType.FLOAT32, b32.grad().dtype());
        Tensor mixed = a32.detach().matmul(Tensor.of(b, sb));
        assertEquals(DType.FLOAT64, mixed.dtype());
        assertClose(y64.toDoubleArray(), mixed.toDoubleArray(), 1e-4, "mixed value");
    }

    // ------------------------------------------------------------------ empty shapes

    @Test
    void emptyInnerSizeGivesZerosAndEmptyGradients() {
        Tensor a = Tensor.zeros(2, 0).requiresGrad(true);
        Tensor b = Tensor.zeros(0, 3).requiresGrad(true);
        Tensor y = a.matmul(b);
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(new double[6], y.toDoubleArray(), 0);
        y.backward();
        assertArrayEquals(new int[] {2, 0}, a.grad().shape());
        assertArrayEquals(new int[] {0, 3}, b.grad().shape());
        Tensor d = Tensor.zeros(0).matmul(Tensor.zeros(0));
        assertEquals(0, d.ndim());
        assertEquals(0.0, d.item(), 0);
        assertArrayEquals(new int[] {4, 5}, Tensor.ones(3, 4, 0).matmul(Tensor.ones(0, 5)).sum(0).shape());
    }

    @Test
    void emptyRowsColumnsOrBatchesGiveEmptyResults() {
        assertArrayEquals(new int[] {0, 4}, Tensor.ones(0, 3).matmul(Tensor.ones(3, 4)).shape());
        assertArrayEquals(new int[] {2, 0}, Tensor.ones(2, 3).matmul(Tensor.ones(3, 0)).shape());
        assertArrayEquals(new int[] {0, 2, 4}, Tensor.ones(0, 2, 3).matmul(Tensor.ones(3, 4)).shape());
        assertArrayEquals(new int[] {0, 2, 4}, Tensor.ones(0, 1, 2, 3).matmul(Tensor.ones(1, 3, 4)).squeeze(1).shape());
        assertArrayEquals(new int[] {0}, Tensor.ones(0, 3).matmul(Tensor.ones(3)).shape());
        Tensor a = Tensor.ones(0, 2, 3).requiresGrad(true);
        Tensor b = Tensor.ones(3, 4).requiresGrad(true);
        a.matmul(b).backward();
        assertArrayEquals(new int[] {0, 2, 3}, a.grad().shape());
        assertArrayEquals(new double[12], b.grad().toDoubleArray(), 0);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void zeroDimOperandIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.scalar(2).matmul(Tensor.ones(3)));
        assertEquals("matmul: both operands need at least 1 dimension, got shapes [] and [3]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ones(3).matmul(Tensor.scalar(2)));
    }

    @Test
    void errorsNameTheOpTheShapesAndTheSizes() {
        assertMessage(() -> Tensor.ones(2, 3).matmul(Tensor.ones(4, 5)), "matmul", "[2, 3]", "[4, 5]", "3", "4");
        assertMessage(() -> Tensor.ones(3).matmul(Tensor.ones(4)), "matmul", "[3]", "[4]");
        assertMessage(() -> Tensor.ones(3).matmul(Tensor.ones(2, 4, 5)), "matmul", "[3]", "[2, 4, 5]");
        assertMessage(() -> Tensor.ones(2, 5, 3).matmul(Tensor.ones(4)), "matmul", "[2, 5, 3]", "[4]");
        assertMessage(() -> Tensor.ones(2, 3, 4).matmul(Tensor.ones(5, 4, 6)),
                "matmul", "[2, 3, 4]", "[5, 4, 6]", "axis -3", "2 vs 5");
        assertMessage(() -> Tensor.ones(2, 3).dot(Tensor.ones(3)), "dot", "[2, 3]", "[3]", "1-D");
        assertMessage(() -> Tensor.ones(3).dot(Tensor.ones(4)), "dot", "[3]", "[4]", "3 vs 4");
        assertMessage(() -> Tensor.ones(2, 2).outer(Tensor.ones(3)), "outer", "[2, 2]", "[3]", "1-D");
        assertMessage(() -> Tensor.ones(2).outer(Tensor.scalar(1)), "outer", "[2]", "[]");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        for (String part : parts) {
            assertTrue(message.contains(part), "message '" + message + "' lacks '" + part + "'");
        }
    }
}
