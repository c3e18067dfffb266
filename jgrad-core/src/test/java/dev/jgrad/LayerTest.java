package dev.jgrad;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerTest {
    private static final double H = 1e-6;

    /** A built-in layer with plain-Java references for f and f', and the domain its inputs are drawn from. */
    record Case(Layer layer, DoubleUnaryOperator f, DoubleUnaryOperator df, boolean positiveOnly) {
        @Override
        public String toString() {
            return layer.name();
        }
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    static List<Case> builtIns() {
        return List.of(
                new Case(Layer.identity(), v -> v, v -> 1, false),
                new Case(Layer.neg(), v -> -v, v -> -1, false),
                new Case(Layer.abs(), Math::abs, Math::signum, false),
                new Case(Layer.exp(), Math::exp, Math::exp, false),
                new Case(Layer.log(), Math::log, v -> 1 / v, true),
                new Case(Layer.sin(), Math::sin, Math::cos, false),
                new Case(Layer.cos(), Math::cos, v -> -Math.sin(v), false),
                new Case(Layer.tanh(), Math::tanh, v -> 1 - Math.tanh(v) * Math.tanh(v), false),
                new Case(Layer.sigmoid(), LayerTest::sigmoid, v -> sigmoid(v) * (1 - sigmoid(v)), false),
                new Case(Layer.relu(), v -> Math.max(v, 0), v -> v > 0 ? 1 : 0, false),
                new Case(Layer.softplus(), v -> Math.log1p(Math.exp(v)), LayerTest::sigmoid, false),
                new Case(Layer.softsign(), v -> v / (1 + Math.abs(v)), v -> 1 / ((1 + Math.abs(v)) * (1 + Math.abs(v))), false),
                new Case(Layer.square(), v -> v * v, v -> 2 * v, false),
                new Case(Layer.sqrt(), Math::sqrt, v -> 0.5 / Math.sqrt(v), true));
    }

    /** Values at least 0.1 away from 0 (the kinks of relu and abs), positive when the domain asks. */
    static Tensor input(long seed, boolean positiveOnly, int... shape) {
        Random rng = new Random(seed);
        double[] d = new double[Math.toIntExact(java.util.Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b))];
        for (int i = 0; i < d.length; i++) {
            double m = 0.1 + 1.5 * rng.nextDouble();
            d[i] = positiveOnly || rng.nextBoolean() ? m : -m;
        }
        return Tensor.of(d, shape);
    }

    static void close(double[] expected, Tensor actual, double tol, String what) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, what);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol * (1 + Math.abs(expected[i])), what + " at " + i);
        }
    }

    static double[] map(DoubleUnaryOperator f, Tensor x) {
        return java.util.Arrays.stream(x.toDoubleArray()).map(f).toArray();
    }

    /** Element-wise central difference of g: valid because the Jacobian is diagonal. */
    static double[] centralDifference(UnaryOperator<Tensor> g, Tensor x) {
        Tensor plus;
        Tensor minus;
        try (GradScope _ = Tensor.noGrad()) {
            plus = g.apply(x.detach().add(H));
            minus = g.apply(x.detach().sub(H));
        }
        double[] p = plus.toDoubleArray();
        double[] m = minus.toDoubleArray();
        double[] d = new double[p.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (p[i] - m[i]) / (2 * H);
        }
        return d;
    }

    /** The gradient of sum(g(x)) by reverse mode. */
    static Tensor gradientOfSum(UnaryOperator<Tensor> g, Tensor x0) {
        Tensor x = x0.detach().requiresGrad(true);
        g.apply(x).sum().backward();
        return x.grad();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void valueAndDerivativeMatchMathFiniteDifferencesAndReverseMode(Case c) {
        Tensor x = input(1, c.positiveOnly(), 3, 4);
        Layer.Output out = c.layer().apply(x);
        assertArrayEquals(new int[] {3, 4}, out.value().shape());
        assertArrayEquals(new int[] {3, 4}, out.derivative().shape());
        close(map(c.f(), x), out.value(), 1e-14, c + " value");
        close(map(c.df(), x), out.derivative(), 1e-14, c + " derivative");
        close(centralDifference(t -> c.layer().apply(t).value(), x), out.derivative(), 1e-7, c + " derivative vs FD");
        close(out.derivative().toDoubleArray(), gradientOfSum(t -> c.layer().apply(t).value(), x), 1e-14,
                c + " derivative vs gradient of sum(f(x))");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void derivativeIsItselfDifferentiableInBothModes(Case c) {
        Tensor x = input(2, c.positiveOnly(), 5);
        double[] secondFd = centralDifference(t -> c.layer().apply(t).derivative(), x);
        Tensor xr = x.detach().requiresGrad(true);
        Tensor d = c.layer().apply(xr).derivative();
        if (d.requiresGrad()) {
            d.sum().backward();
            close(secondFd, xr.grad(), 1e-6, c + " second derivative (reverse)");
        } else {
            close(new double[5], Tensor.of(secondFd), 1e-12, c + " has a constant derivative");
        }
        Tensor u = Tensor.randn(3, 5);
        try (ForwardMode fwd = ForwardMode.begin()) {
            Layer.Output out = c.layer().apply(fwd.dual(x, u));
            close(out.derivative().mul(u).toDoubleArray(), fwd.tangentOf(out.value()), 1e-14, c + " tangent of the value");
            close(Tensor.of(secondFd).mul(u).toDoubleArray(), fwd.tangentOf(out.derivative()), 1e-6, c + " tangent of the derivative");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void valueAndDerivativePassGradCheckToSecondOrder(Case c) {
        GradCheck.Options all = GradCheck.Options.DEFAULT.withSecondOrder(true);
        Tensor x = input(11, c.positiveOnly(), 2, 3);
        GradCheck.assertGradients(in -> c.layer().apply(in[0]).value(), all, x);
        GradCheck.assertGradients(in -> c.layer().apply(in[0]).derivative(), all, x);
        Layer chain = c.layer().then(Layer.sin()).then(c.positiveOnly() ? Layer.exp() : Layer.tanh());
        GradCheck.assertGradients(in -> chain.apply(in[0]).derivative(), all, x);
    }

    @Test
    void builtInsReuseTheValue() {
        Tensor x = input(3, false, 4);
        Layer.Output e = Layer.exp().apply(x);
        assertSame(e.value(), e.derivative(), "exp' is the value itself");
        // One fused op on the value, not a chain of square/neg/add or a second tanh.
        assertEquals("tanh'", Layer.tanh().apply(x.detach().requiresGrad(true)).derivative().opName());
        assertEquals("sigmoid'", Layer.sigmoid().apply(x.detach().requiresGrad(true)).derivative().opName());
    }

    static Stream<Layer> chains() {
        return Stream.of(
                Layer.sin().then(Layer.tanh()),
                Layer.chain(Layer.softplus(), Layer.log(), Layer.cos()),
                Layer.chain(Layer.square(), Layer.sigmoid(), Layer.sin(), Layer.exp()),
                Layer.exp().then(Layer.sqrt()).then(Layer.softsign()).then(Layer.relu()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void chainsMatchFiniteDifferencesReverseAndForwardMode(Layer chain) {
        Tensor x = input(4, false, 2, 3);
        Layer.Output out = chain.apply(x);
        Tensor composed = x;
        for (Layer stage : chain.stages()) {
            composed = stage.apply(composed).value();
        }
        close(composed.toDoubleArray(), out.value(), 1e-15, chain + " value");
        close(centralDifference(t -> chain.apply(t).value(), x), out.derivative(), 1e-7, chain + " vs FD");
        close(out.derivative().toDoubleArray(), gradientOfSum(t -> chain.apply(t).value(), x), 1e-13, chain + " vs reverse");
        Tensor xr = x.detach().requiresGrad(true);
        chain.apply(xr).derivative().sum().backward();
        close(centralDifference(t -> chain.apply(t).derivative(), x), xr.grad(), 1e-6, chain + " second derivative");
    }

    @Test
    void chainsFlattenAndNameTheirStages() {
        Layer c = Layer.exp().then(Layer.sqrt()).then(Layer.chain(Layer.sin(), Layer.tanh()));
        assertEquals("chain(exp, sqrt, sin, tanh)", c.name());
        assertEquals(4, c.stages().size());
        assertSame(Layer.tanh(), Layer.chain(Layer.tanh()));
        // sin then tanh, by hand: tanh'(sin x) · cos x.
        double v = 0.3;
        Layer.Output o = Layer.sin().then(Layer.tanh()).apply(Tensor.scalar(v));
        double t = Math.tanh(Math.sin(v));
        assertEquals((1 - t * t) * Math.cos(v), o.derivative().item(), 1e-15);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void float32GivesFloat32CloseToFloat64(Case c) {
        Tensor x = input(5, c.positiveOnly(), 7);
        Layer.Output o64 = c.layer().apply(x);
        Layer.Output o32 = c.layer().apply(x.to(DType.FLOAT32));
        assertEquals(DType.FLOAT32, o32.value().dtype(), c.toString());
        assertEquals(DType.FLOAT32, o32.derivative().dtype(), c.toString());
        close(o64.value().toDoubleArray(), o32.value(), 1e-6, c + " float32 value");
        close(o64.derivative().toDoubleArray(), o32.derivative(), 1e-6, c + " float32 derivative");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void anyShapeAndNonContiguousInput(Case c) {
        for (int[] shape : new int[][] {{}, {1}, {1, 1}, {0}, {0, 3}, {2, 3, 2}}) {
            Tensor x = input(6, c.positiveOnly(), shape);
            Layer.Output o = c.layer().apply(x);
            assertArrayEquals(shape, o.value().shape(), c.toString());
            assertArrayEquals(shape, o.derivative().shape(), c.toString());
            close(map(c.df(), x), o.derivative(), 1e-14, c + " shape " + java.util.Arrays.toString(shape));
        }
        Tensor base = input(7, c.positiveOnly(), 3, 4);
        Tensor view = base.mT();   // a transposed view, not contiguous
        assertFalse(view.isContiguous());
        Layer.Output o = c.layer().apply(view);
        Layer.Output ref = c.layer().apply(view.contiguous());
        assertArrayEquals(ref.value().toDoubleArray(), o.value().toDoubleArray(), c.toString());
        assertArrayEquals(ref.derivative().toDoubleArray(), o.derivative().toDoubleArray(), c.toString());
    }

    @Test
    void kinksAndDomainsFollowTheTensorOps() {
        Tensor zero = Tensor.of(0.0, -0.0);
        close(new double[] {0, 0}, Layer.relu().apply(zero).derivative(), 0, "relu'(0)");
        close(new double[] {0, 0}, Layer.abs().apply(zero).derivative(), 0, "|x|'(0)");   // sign(-0.0) is -0.0
        assertEquals(Double.POSITIVE_INFINITY, Layer.sqrt().apply(Tensor.scalar(0)).derivative().item());
        Layer.Output logNeg = Layer.log().apply(Tensor.of(-1.0, 0.0));
        assertTrue(Double.isNaN(logNeg.value().get(0)));
        assertEquals(Double.NEGATIVE_INFINITY, logNeg.value().get(1));
        assertTrue(Double.isNaN(Layer.sqrt().apply(Tensor.scalar(-1)).value().item()));
        // The same conventions as reverse mode through the Tensor op.
        assertArrayEquals(gradientOfSum(Tensor::relu, zero).toDoubleArray(), Layer.relu().apply(zero).derivative().toDoubleArray());
    }

    @Test
    void userLayerFromScalarFunctions() {
        Layer cube = Layer.of("cube", v -> v * v * v, v -> 3 * v * v);
        Tensor x = input(8, false, 2, 3);
        Layer.Output o = cube.apply(x);
        close(map(v -> v * v * v, x), o.value(), 1e-15, "cube value");
        close(map(v -> 3 * v * v, x), o.derivative(), 1e-15, "cube derivative");
        close(o.derivative().toDoubleArray(), gradientOfSum(t -> cube.apply(t).value(), x), 1e-15, "cube vs reverse");
        assertEquals(DType.FLOAT32, cube.apply(x.to(DType.FLOAT32)).derivative().dtype());
        Tensor u = Tensor.randn(9, 2, 3);
        try (ForwardMode fwd = ForwardMode.begin()) {
            Layer.Output d = cube.apply(fwd.dual(x, u));
            close(o.derivative().mul(u).toDoubleArray(), fwd.tangentOf(d.value()), 1e-15, "cube tangent");
            // No second derivative given: the derivative's tangent is unknown, and says so with NaN.
            assertTrue(Double.isNaN(fwd.tangentOf(d.derivative()).get(0, 0)));
        }
        GradCheck.assertGradients(in -> cube.then(Layer.tanh()).apply(in[0]).value(), x);   // first order, both modes
        GradCheck.assertGradients(in -> Layer.of("cube", v -> v * v * v, v -> 3 * v * v, v -> 6 * v).apply(in[0]).value(),
                GradCheck.Options.DEFAULT.withSecondOrder(true), x);
    }

    @Test
    void userScalarLayerRefusesSecondOrderUnlessGiven() {
        Layer cube = Layer.of("cube", v -> v * v * v, v -> 3 * v * v);
        Tensor x = Tensor.of(1.0, -2.0).requiresGrad(true);
        cube.apply(x).value().sum().backward(null, false, true);
        Tensor g = x.grad();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.sum().backward());
        assertTrue(e.getMessage().startsWith("layer cube: cannot differentiate cube'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> cube.apply(x).derivative().sum().backward());

        Layer cube2 = Layer.of("cube", v -> v * v * v, v -> 3 * v * v, v -> 6 * v);
        Tensor y = Tensor.of(1.0, -2.0).requiresGrad(true);
        cube2.apply(y).value().sum().backward(null, false, true);
        Tensor gy = y.grad();
        y.zeroGrad();
        gy.sum().backward();
        assertArrayEquals(new double[] {6, -12}, y.grad().toDoubleArray(), 1e-15);
        Tensor z = Tensor.of(1.0, -2.0).requiresGrad(true);
        cube2.apply(z).derivative().sum().backward();
        assertArrayEquals(new double[] {6, -12}, z.grad().toDoubleArray(), 1e-15);
        IllegalStateException third = assertThrows(IllegalStateException.class, () -> {
            Tensor w = Tensor.of(1.0).requiresGrad(true);
            cube2.apply(w).derivative().sum().backward(null, false, true);
            w.grad().sum().backward();
        });
        assertTrue(third.getMessage().contains("third derivative of cube was not given"), third.getMessage());
    }

    @Test
    void userLayerFromTensorOps() {
        Layer myTanh = Layer.of("myTanh", t -> t.tanh(), (t, y) -> y.square().neg().add(1.0));
        Tensor x = input(10, false, 3, 2);
        Layer.Output mine = myTanh.apply(x);
        Layer.Output ref = Layer.tanh().apply(x);
        close(ref.value().toDoubleArray(), mine.value(), 1e-15, "value");
        close(ref.derivative().toDoubleArray(), mine.derivative(), 1e-15, "derivative");
        close(centralDifference(t -> myTanh.apply(t).derivative(), x),
                gradientOfSum(t -> myTanh.apply(t).derivative(), x), 1e-6, "second order");
        // A float64 constant inside the user's function still gives float32 for float32 input.
        Layer shifted = Layer.of("shifted", t -> t.add(Tensor.scalar(1.0)), (t, y) -> Tensor.onesLike(t));
        assertEquals(DType.FLOAT32, shifted.apply(x.to(DType.FLOAT32)).value().dtype());
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        IllegalArgumentException nullInput = assertThrows(IllegalArgumentException.class, () -> Layer.tanh().apply(null));
        assertEquals("layer tanh: the input tensor is null", nullInput.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Layer.tanh().then(null));
        assertThrows(IllegalArgumentException.class, Layer::chain);
        assertThrows(IllegalArgumentException.class, () -> Layer.chain(Layer.sin(), null));
        IllegalArgumentException nullFn = assertThrows(IllegalArgumentException.class,
                () -> Layer.of("f", Math::sin, (DoubleUnaryOperator) null));
        assertEquals("Layer.of: the derivative is null (layer f)", nullFn.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Layer.of(null, Math::sin, Math::cos));

        Layer reduces = Layer.of("sums", Tensor::sum, (t, y) -> Tensor.onesLike(t));
        IllegalStateException shape = assertThrows(IllegalStateException.class, () -> reduces.apply(Tensor.ones(2, 3)));
        assertEquals("layer sums: the value function returned shape [] for an input of shape [2, 3]"
                + " (a layer is element-wise: both must match)", shape.getMessage());
        Layer nothing = Layer.of("nothing", t -> t, (t, y) -> null);
        assertThrows(IllegalStateException.class, () -> nothing.apply(Tensor.ones(2)));
    }
}
