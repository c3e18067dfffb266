package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reductions: values against plain loops, gradients (reverse, forward, second order) against
 * central finite differences. The static checks here are shared with {@link LossesTest}.
 */
class ReductionsTest {
    private static final double H = 1e-6;
    private static final double TOL = 1e-6;
    private static final int[][] AXES = {null, {0}, {1}, {-1}, {0, 2}, {2, -3}, {0, 1, 2}};

    // ------------------------------------------------------------------ shared checks

    /** Every element agrees within {@code tol} relative (absolute below magnitude 1). */
    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isNaN(e) || Double.isInfinite(e)) {
                assertEquals(e, a, what + ": element " + i);
            } else {
                assertTrue(Math.abs(a - e) <= tol * Math.max(1.0, Math.abs(e)),
                        what + ": element " + i + " expected " + e + " got " + a + " in " + Arrays.toString(actual));
            }
        }
    }

    /** A float64 copy of {@code x} with element {@code j} moved by {@code delta}. */
    private static Tensor nudged(Tensor x, int j, double delta) {
        double[] d = x.toDoubleArray();
        d[j] += delta;
        return Tensor.of(d, x.shape());
    }

    private static Tensor[] fresh(Tensor[] xs, boolean requiresGrad) {
        Tensor[] out = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = Tensor.of(xs[i].toDoubleArray(), xs[i].shape()).requiresGrad(requiresGrad);
        }
        return out;
    }

    /** Weighted sum of the output, so every output element's gradient is exercised differently. */
    private static Tensor weighted(Function<Tensor[], Tensor> f, Tensor[] xs, Tensor w) {
        return f.apply(xs).mul(w).sum();
    }

    private static Tensor weightsFor(Function<Tensor[], Tensor> f, Tensor[] xs) {
        return Tensor.randn(99, f.apply(fresh(xs, false)).shape());
    }

    /** Reverse gradients of every input against central finite differences. */
    static void checkReverse(Function<Tensor[], Tensor> f, Tensor... xs) {
        Tensor w = weightsFor(f, xs);
        Tensor[] leaves = fresh(xs, true);
        weighted(f, leaves, w).backward();
        for (int i = 0; i < xs.length; i++) {
            double[] fd = finiteDifferences(xs, i, ys -> weighted(f, ys, w).item());
            assertClose(fd, leaves[i].grad().toDoubleArray(), TOL, "reverse gradient of input " + i);
        }
    }

    /** ∂s/∂xs[i] element by element, s a scalar function of all inputs. */
    private static double[] finiteDifferences(Tensor[] xs, int i, ToDoubleFunction<Tensor[]> s) {
        double[] fd = new double[xs[i].numel()];
        for (int j = 0; j < fd.length; j++) {
            Tensor[] plus = fresh(xs, false);
            Tensor[] minus = fresh(xs, false);
            plus[i] = nudged(xs[i], j, H);
            minus[i] = nudged(xs[i], j, -H);
            fd[j] = (s.applyAsDouble(plus) - s.applyAsDouble(minus)) / (2 * H);
        }
        return fd;
    }

    /** Forward-mode tangent of the output against a central difference along random tangents. */
    static void checkForward(Function<Tensor[], Tensor> f, Tensor... xs) {
        Tensor[] seeded = fresh(xs, false);
        Tensor[] plus = new Tensor[xs.length];
        Tensor[] minus = new Tensor[xs.length];
        ForwardTag tag = new ForwardTag();
        Tensor y;
        try {
            for (int i = 0; i < xs.length; i++) {
                Tensor t = Tensor.randn(7 + i, xs[i].shape());
                Autograd.seedTangent(seeded[i], tag, t);
                plus[i] = xs[i].to(DType.FLOAT64).add(t.mul(H));
                minus[i] = xs[i].to(DType.FLOAT64).sub(t.mul(H));
            }
            y = Autograd.tangentOf(f.apply(seeded), tag);
        } finally {
            tag.close();
        }
        Tensor fd = f.apply(plus).sub(f.apply(minus)).div(2 * H);
        assertArrayEquals(fd.shape(), y.shape(), "tangent shape");
        assertClose(fd.toDoubleArray(), y.toDoubleArray(), TOL, "forward tangent");
    }

    /**
     * Hessian-vector products: differentiate ⟨∇s, v⟩ (recorded with createGraph) and compare with
     * central differences of the first-order gradient.
     */
    static void checkSecondOrder(Function<Tensor[], Tensor> f, Tensor... xs) {
        Tensor w = weightsFor(f, xs);
        Tensor[] v = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            v[i] = Tensor.randn(31 + i, xs[i].shape());
        }
        Tensor[] leaves = fresh(xs, true);
        weighted(f, leaves, w).backward(null, false, true);
        Tensor gradDotV = Tensor.scalar(0);
        for (int i = 0; i < xs.length; i++) {
            gradDotV = gradDotV.add(leaves[i].grad().mul(v[i]).sum());
        }
        for (Tensor leaf : leaves) {
            leaf.zeroGrad();
        }
        gradDotV.backward();
        ToDoubleFunction<Tensor[]> firstOrder = ys -> {
            Tensor[] ls = fresh(ys, true);
            weighted(f, ls, w).backward();
            double dot = 0;
            for (int i = 0; i < ls.length; i++) {
                dot += ls[i].grad().mul(v[i]).sum().item();
            }
            return dot;
        };
        for (int i = 0; i < xs.length; i++) {
            double[] fd = finiteDifferences(xs, i, firstOrder);
            assertClose(fd, leaves[i].grad().toDoubleArray(), 1e-5, "second order, input " + i);
        }
    }

    /** All three gradient checks on a one-input function. */
    static void checkAllModes(UnaryOperator<Tensor> f, Tensor x, boolean secondOrder) {
        Function<Tensor[], Tensor> g = xs -> f.apply(xs[0]);
        checkReverse(g, x);
        checkForward(g, x);
        if (secondOrder) {
            checkSecondOrder(g, x);
        }
    }

    /** Asserts an IllegalArgumentException whose message contains every fragment. */
    static void assertRefused(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "message '" + e.getMessage() + "' should contain '" + s + "'");
        }
    }

    /** Reference reduction by plain loops: f over each slice, output in row-major kept-dims order. */
    static double[] refReduce(double[] data, int[] shape, int[] axes, ToDoubleFunction<double[]> f) {
        int nd = shape.length;
        boolean[] mask = new boolean[nd];
        for (int d = 0; d < nd; d++) {
            mask[d] = axes == null;
        }
        if (axes != null) {
            for (int a : axes) {
                mask[a < 0 ? a + nd : a] = true;
            }
        }
        int outCount = 1;
        int[] outStride = new int[nd];
        for (int d = nd - 1; d >= 0; d--) {
            outStride[d] = mask[d] ? 0 : outCount;
            outCount *= mask[d] ? 1 : shape[d];
        }
        List<List<Double>> slices = new ArrayList<>();
        for (int o = 0; o < outCount; o++) {
            slices.add(new ArrayList<>());
        }
        for (int i = 0; i < data.length; i++) {
            int rest = i;
            int o = 0;
            for (int d = nd - 1; d >= 0; d--) {
                o += (rest % shape[d]) * outStride[d];
                rest /= shape[d];
            }
            slices.get(o).add(data[i]);
        }
        double[] out = new double[outCount];
        for (int o = 0; o < outCount; o++) {
            out[o] = f.applyAsDouble(slices.get(o).stream().mapToDouble(Double::doubleValue).toArray());
        }
        return out;
    }

    private static double refMax(double[] a) {
        return Arrays.stream(a).max().orElseThrow();
    }

    private static double refMin(double[] a) {
        return Arrays.stream(a).min().orElseThrow();
    }

    private static double refLogSumExp(double[] a) {
        double s = 0;
        for (double v : a) {
            s += Math.exp(v);
        }
        return Math.log(s);
    }

    private static double refVar(double[] a, int correction) {
        double mean = Arrays.stream(a).sum() / a.length;
        double ss = 0;
        for (double v : a) {
            ss += (v - mean) * (v - mean);
        }
        return ss / (a.length - correction);
    }

    private static double refNorm(double[] a) {
        double ss = 0;
        for (double v : a) {
            ss += v * v;
        }
        return Math.sqrt(ss);
    }

    private static int[] expectedShape(int[] shape, int[] axes, boolean keepDims) {
        boolean[] mask = new boolean[shape.length];
        for (int d = 0; d < shape.length; d++) {
            mask[d] = axes == null;
        }
        if (axes != null) {
            for (int a : axes) {
                mask[a < 0 ? a + shape.length : a] = true;
            }
        }
        return Arrays.stream(range(shape.length)).filter(d -> keepDims || !mask[d]).map(d -> mask[d] ? 1 : shape[d])
                .toArray();
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    // ------------------------------------------------------------------ values

    /** A reduction under test, called as {@code x.op(axes, keepDims)}. */
    private interface AxisReduction {
        Tensor apply(Tensor x, int[] axes, boolean keepDims);
    }

    private record Case(String name, AxisReduction op, ToDoubleFunction<double[]> ref) {
    }

    private static List<Case> cases() {
        return List.of(
                new Case("max", (x, a, k) -> x.max(a, k), ReductionsTest::refMax),
                new Case("min", (x, a, k) -> x.min(a, k), ReductionsTest::refMin),
                new Case("logsumexp", (x, a, k) -> x.logsumexp(a, k), ReductionsTest::refLogSumExp),
                new Case("var", (x, a, k) -> x.var(a, k, 1), s -> refVar(s, 1)),
                new Case("var0", (x, a, k) -> x.var(a, k, 0), s -> refVar(s, 0)),
                new Case("std", (x, a, k) -> x.std(a, k, 1), s -> Math.sqrt(refVar(s, 1))),
                new Case("norm", (x, a, k) -> x.norm(a, k), ReductionsTest::refNorm));
    }

    @Test
    void valuesAndShapesMatchPlainLoopsOverEveryAxisChoice() {
        Tensor x = Tensor.randn(1, 2, 3, 4);
        for (Case c : cases()) {
            for (int[] axes : AXES) {
                for (boolean keep : new boolean[] {false, true}) {
                    Tensor y = c.op.apply(x, axes, keep);
                    String what = c.name + " axes " + Arrays.toString(axes) + " keepDims " + keep;
                    assertArrayEquals(expectedShape(x.shape(), axes, keep), y.shape(), what);
                    assertClose(refReduce(x.toDoubleArray(), x.shape(), axes, c.ref), y.toDoubleArray(), 1e-12, what);
                }
            }
        }
    }

    @Test
    void nonContiguousInputGivesTheSameValues() {
        Tensor x = Tensor.randn(2, 2, 4, 3);
        Tensor xt = x.transpose(0, 1);
        Tensor dense = Tensor.of(xt.toDoubleArray(), xt.shape());
        for (Case c : cases()) {
            assertClose(c.op.apply(dense, new int[] {1}, false).toDoubleArray(),
                    c.op.apply(xt, new int[] {1}, false).toDoubleArray(), 1e-14, c.name);
        }
    }

    @Test
    void zeroDimensionalInputs() {
        Tensor x = Tensor.scalar(-1.5);
        assertEquals(-1.5, x.max().item());
        assertEquals(-1.5, x.min().item());
        assertEquals(-1.5, x.logsumexp().item(), 1e-15);
        assertEquals(1.5, x.norm().item());
        assertEquals(0.0, x.var(null, false, 0).item());
        assertEquals(0, x.max().ndim());
        assertEquals(0.0, x.argmax().item());
        Tensor leaf = Tensor.scalar(-1.5).requiresGrad(true);
        leaf.max().add(leaf.norm()).add(leaf.logsumexp()).backward();
        assertEquals(1.0 - 1.0 + 1.0, leaf.grad().item(), 1e-15);
    }

    @Test
    void float32KeepsDtypeAndAgreesWithFloat64() {
        Tensor x64 = Tensor.randn(3, 3, 5);
        Tensor x32 = x64.to(DType.FLOAT32);
        for (Case c : cases()) {
            Tensor y32 = c.op.apply(x32, new int[] {-1}, false);
            assertEquals(DType.FLOAT32, y32.dtype(), c.name);
            assertClose(c.op.apply(x64, new int[] {-1}, false).toDoubleArray(), y32.toDoubleArray(), 1e-5,
                    c.name);
        }
        Tensor leaf = Tensor.randn(3, 3, 5).to(DType.FLOAT32).requiresGrad(true);
        leaf.logsumexp(new int[] {1}, false).add(leaf.norm(new int[] {1}, false)).sum().backward();
        assertEquals(DType.FLOAT32, leaf.grad().dtype());
    }

    // ------------------------------------------------------------------ gradients

    @Test
    void gradientsMatchFiniteDifferencesInBothModes() {
        Tensor x = Tensor.randn(4, 2, 3, 4);
        for (Case c : cases()) {
            for (int[] axes : new int[][] {null, {1}, {-1, 0}}) {
                for (boolean keep : new boolean[] {false, true}) {
                    checkAllModes(t -> c.op.apply(t, axes, keep), x, false);
                }
            }
        }
    }

    @Test
    void secondOrderForLogsumexpVarStdAndNorm() {
        Tensor x = Tensor.randn(5, 3, 4);
        checkAllModes(t -> t.logsumexp(new int[] {1}, false), x, true);
        checkAllModes(t -> t.logsumexp(), x, true);
        checkAllModes(t -> t.var(new int[] {0}, true, 1), x, true);
        checkAllModes(t -> t.std(new int[] {-1}, false, 1), x, true);
        checkAllModes(t -> t.norm(new int[] {1}, false), x, true);
        checkAllModes(Tensor::norm, x, true);
    }

    @Test
    void maxTiesShareTheGradientEvenly() {
        Tensor x = Tensor.of(1, 3, 3).requiresGrad(true);
        x.max().backward();
        assertArrayEquals(new double[] {0, 0.5, 0.5}, x.grad().toDoubleArray(), 0.0);

        Tensor m = Tensor.of(new double[][] {{2, 2, 2}, {0, -1, -1}}).requiresGrad(true);
        m.min(1).backward();
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0.5, 0.5}, m.grad().toDoubleArray(), 0.0);

        ForwardTag tag = new ForwardTag();
        Tensor seeded = Tensor.of(1, 3, 3);
        Autograd.seedTangent(seeded, tag, Tensor.of(10, 2, 4));
        assertEquals(3.0, Autograd.tangentOf(seeded.max(), tag).item(), 0.0);
        tag.close();
    }

    @Test
    void normGradientAtZeroIsExactlyZero() {
        Tensor x = Tensor.of(new double[][] {{0, 0}, {3, 4}}).requiresGrad(true);
        x.norm(new int[] {1}, false).sum().backward();
        assertArrayEquals(new double[] {0, 0, 0.6, 0.8}, x.grad().toDoubleArray(), 1e-15);
        ForwardTag tag = new ForwardTag();
        Tensor seeded = Tensor.zeros(3);
        Autograd.seedTangent(seeded, tag, Tensor.of(1, 2, 3));
        Tensor t = Autograd.tangentOf(seeded.norm(), tag);
        tag.close();
        assertEquals(0.0, t.item(), 0.0);
        Tensor z = Tensor.zeros(2, 2).requiresGrad(true);
        z.norm().backward();
        assertArrayEquals(new double[4], z.grad().toDoubleArray(), 0.0);
        assertFalse(Double.isNaN(z.grad().sum().item()));
    }

    @Test
    void normDoesNotOverflowOrUnderflow() {
        assertEquals(5e200, Tensor.of(3e200, 4e200).norm().item(), 1e188);
        assertEquals(5e-200, Tensor.of(3e-200, 4e-200).norm().item(), 1e-212);
        assertEquals(Double.POSITIVE_INFINITY, Tensor.of(1, Double.POSITIVE_INFINITY).norm().item());
        assertTrue(Double.isNaN(Tensor.of(1, Double.NaN).norm().item()));
        // Per slice: the sum of squares overflows in one row and underflows in another (the
        // rescaled path), while the plain one takes the fast path; float32 squares go to double.
        double[] rows = Tensor.of(new double[][] {{3e200, 4e200}, {3e-200, 4e-200}, {3, 4}, {0, 0}})
                .norm(new int[] {1}, false).toDoubleArray();
        double[] want = {5e200, 5e-200, 5, 0};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], rows[i], 1e-15 * want[i]);
        }
        assertEquals(5e30, Tensor.of(3e30, 4e30).to(DType.FLOAT32).norm().item(), 1e24);
        assertEquals(5e-30, Tensor.of(3e-30, 4e-30).to(DType.FLOAT32).norm().item(), 1e-36);
        // A float32 sum of squares that would be subnormal (2.5e-41) or overflow as a float (2.5e75)
        // takes the rescaled path: full precision.
        assertEquals(5e-21f, Tensor.of(3e-21, 4e-21).to(DType.FLOAT32).norm().item(), 2 * Math.ulp(5e-21f));
        assertEquals(5e37f, Tensor.of(3e37, 4e37).to(DType.FLOAT32).norm().item(), 2 * Math.ulp(5e37f));
        // The float32 fast path (squares and sum in double, the sum stored as float) within 2 ulp of the float64 norm.
        Tensor r = Tensor.randn(9L, 3, 1000).to(DType.FLOAT32);
        double[] f = r.norm(new int[] {1}, false).toDoubleArray();
        double[] d = r.to(DType.FLOAT64).norm(new int[] {1}, false).toDoubleArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(d[i], f[i], 2 * Math.ulp((float) d[i]));
        }
    }

    @Test
    void logsumexpIsStableAndHandlesInfinities() {
        double inf = Double.POSITIVE_INFINITY;
        Tensor x = Tensor.of(new double[][] {{1000, 1000}, {-inf, -inf}, {inf, 0}, {-1000, -inf}});
        double[] y = x.logsumexp(1).toDoubleArray();
        assertArrayEquals(new double[] {1000 + Math.log(2), -inf, inf, -1000}, y, 1e-12);
        Tensor leaf = Tensor.of(1000, 1000, 999).requiresGrad(true);
        leaf.logsumexp().backward();
        double e = Math.exp(-1);
        assertClose(new double[] {1 / (2 + e), 1 / (2 + e), e / (2 + e)}, leaf.grad().toDoubleArray(), 1e-12,
                "softmax gradient");
        Tensor empty = Tensor.zeros(2, 0).logsumexp(1);
        assertArrayEquals(new double[] {-inf, -inf}, empty.toDoubleArray(), 0.0);
    }

    @Test
    void varWithNonPositiveDivisorGivesNanOrInfinity() {
        assertTrue(Double.isNaN(Tensor.of(2.0).var().item()));
        assertEquals(Double.POSITIVE_INFINITY, Tensor.of(1, 2).var(null, false, 2).item());
        assertEquals(Double.POSITIVE_INFINITY, Tensor.of(1, 2).std(null, false, 5).item());
    }

    // ------------------------------------------------------------------ argmax / argmin

    @Test
    void argReductionsGiveFirstIndexAsConstantFloat64() {
        Tensor x = Tensor.of(new float[] {1, 5, 5, -2, 0, -2}, 2, 3);
        Tensor flat = x.argmax();
        assertEquals(0, flat.ndim());
        assertEquals(1.0, flat.item());
        assertEquals(3.0, x.argmin().item());
        assertEquals(DType.FLOAT64, flat.dtype());
        assertArrayEquals(new double[] {0, 0, 0}, x.argmax(0, false).toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {0, 0}, x.argmin(-1, false).toDoubleArray(), 0.0);
        assertArrayEquals(new int[] {2, 1}, x.argmax(1, true).shape());
        assertArrayEquals(new double[] {1, 1}, x.argmax(1, true).toDoubleArray(), 0.0);
        Tensor leaf = Tensor.randn(3, 3, 4).requiresGrad(true);
        assertFalse(leaf.argmax(1, false).requiresGrad());
        assertArrayEquals(new double[] {1, 1}, x.transpose(0, 1).argmax(0, false).toDoubleArray(), 0.0);
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void axisOutOfRangeIsRefusedWithOpShapeAndAxis() {
        Tensor x = Tensor.zeros(2, 3);
        assertRefused(() -> x.max(2), "max", "[2, 3]", "2");
        assertRefused(() -> x.min(-3), "min", "[2, 3]", "-3");
        assertRefused(() -> x.logsumexp(new int[] {5}, false), "logsumexp", "[2, 3]", "5");
        assertRefused(() -> x.var(new int[] {-4}, false, 1), "var", "[2, 3]", "-4");
        assertRefused(() -> x.std(new int[] {2}, false, 1), "std", "[2, 3]", "2");
        assertRefused(() -> x.norm(new int[] {-3}, true), "norm", "[2, 3]", "-3");
        assertRefused(() -> x.argmax(2, false), "argmax", "[2, 3]", "2");
        assertRefused(() -> x.argmin(-3, false), "argmin", "[2, 3]", "-3");
    }

    @Test
    void repeatedAxisIsRefused() {
        Tensor x = Tensor.zeros(2, 3);
        assertRefused(() -> x.max(new int[] {1, -1}, false), "max", "[2, 3]", "-1", "repeated");
        assertRefused(() -> x.logsumexp(new int[] {0, 0}, false), "logsumexp", "[2, 3]", "0");
        assertRefused(() -> x.var(new int[] {1, 1}, false, 0), "var", "[2, 3]", "1");
        assertRefused(() -> x.norm(new int[] {0, -2}, false), "norm", "[2, 3]", "-2");
    }

    @Test
    void emptyExtremaAreRefused() {
        Tensor x = Tensor.zeros(2, 0);
        assertRefused(() -> x.max(1), "max", "[2, 0]", "axis 1");
        assertRefused(x::min, "min", "[2, 0]", "axis 1");
        assertRefused(x::argmax, "argmax", "[2, 0]");
        assertRefused(() -> x.argmin(-1, false), "argmin", "[2, 0]", "-1");
        assertArrayEquals(new int[] {0}, Tensor.zeros(0, 3).max(1).shape(), "reducing a non-empty axis is fine");
    }
}
