package dev.jgrad;

import dev.jgrad.Functional.Mode;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Known answers for the functional transforms (grad, vjp, jvp, jacobian, hessian, hvp). */
class FunctionalTest {
    private static final double TOL = 1e-10;

    private static void close(double[] expected, Tensor actual, double tol) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, "length");
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol * (1 + Math.abs(expected[i])), "element " + i);
        }
    }

    private static void close(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        close(expected.toDoubleArray(), actual, tol);
    }

    @Test
    void gradOfSumOfSquaresIsTwoX() {
        Tensor x = Tensor.of(new double[] {1, -2, 3, 0.5, 0, 7}, 2, 3);
        Tensor g = Functional.grad(t -> t.square().sum(), x);
        close(x.mul(2.0), g, TOL);
        assertNull(x.grad(), "grad(f, x) never touches x.grad()");
        assertFalse(g.requiresGrad());
    }

    @Test
    void valueAndGradAndSeveralInputs() {
        Tensor a = Tensor.of(1.0, 2.0, 3.0);
        Tensor b = Tensor.of(4.0, 5.0, 6.0);
        Functional.ValueAndGrads r = Functional.valueAndGrad(xs -> xs[0].mul(xs[1]).sum(), a, b);
        assertEquals(32.0, r.value().item(), 0);
        close(b, r.grads()[0], 0);
        close(a, r.grads()[1], 0);
        Functional.ValueAndGrad one = Functional.valueAndGrad(t -> t.exp().sum(), a);
        assertEquals(Math.exp(1) + Math.exp(2) + Math.exp(3), one.value().item(), 1e-12);
        close(a.exp(), one.grad(), TOL);
    }

    @Test
    void nestedGradGivesHigherDerivatives() {
        // f(x) = x³ sin x: f'' = 6x sin x + 6x² cos x − x³ sin x.
        Function<Tensor, Tensor> f = t -> t.pow(3.0).mul(t.sin());
        double x = 0.7;
        Tensor second = Functional.grad(Functional.grad(f)).apply(Tensor.scalar(x));
        double expected = 6 * x * Math.sin(x) + 6 * x * x * Math.cos(x) - x * x * x * Math.sin(x);
        assertEquals(expected, second.item(), 1e-12);
        Tensor third = Functional.grad(Functional.grad(Functional.grad(f))).apply(Tensor.scalar(x));
        double expected3 = 6 * Math.sin(x) + 18 * x * Math.cos(x) - 9 * x * x * Math.sin(x) - x * x * x * Math.cos(x);
        assertEquals(expected3, third.item(), 1e-11);
    }

    @Test
    void gradIsDifferentiableWhenTheInputRequiresGrad() {
        // Gradient penalty: L(w) = |∇_x f(x, w)|² with f = sum(w·x²) → ∇_x f = 2wx, L = 4 Σ w²x², dL/dw = 8 w x².
        Tensor x = Tensor.of(1.0, 2.0, -1.5);
        Tensor w = Tensor.of(0.5, -1.0, 2.0).requiresGrad(true);
        Tensor g = Functional.grad(t -> w.mul(t.square()).sum(), x.requiresGrad(true));
        g.square().sum().backward();
        close(w.mul(x.square()).mul(8.0).detach(), w.grad(), TOL);
    }

    @Test
    void vjpPullbackIsReusable() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Functional.Pullback p = Functional.vjp(x -> a.matmul(x), Tensor.of(1.0, -1.0, 0.5));
        close(new double[] {0.5, 2.0}, p.output(), TOL);
        close(new double[] {1, 2, 3}, p.apply(Tensor.of(1.0, 0.0)), TOL);
        close(new double[] {4, 5, 6}, p.apply(Tensor.of(0.0, 1.0)), TOL);
        Functional.VjpResult r = Functional.vjp(x -> a.matmul(x), Tensor.of(1.0, -1.0, 0.5), Tensor.of(1.0, 1.0));
        close(new double[] {5, 7, 9}, r.cotangent(), TOL);
        assertThrows(IllegalArgumentException.class, () -> p.apply(Tensor.of(1.0, 2.0, 3.0)));
    }

    @Test
    void jvpPushesATangentWithTheValue() {
        Tensor x = Tensor.of(0.3, -0.4, 1.2);
        Tensor v = Tensor.of(1.0, 2.0, -1.0);
        Functional.JvpResult r = Functional.jvp(t -> t.sin().mul(t).sum(), x, v);
        double expected = 0;
        double[] xs = x.toDoubleArray();
        double[] vs = v.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            expected += (Math.cos(xs[i]) * xs[i] + Math.sin(xs[i])) * vs[i];
        }
        assertEquals(expected, r.tangent().item(), 1e-12);
    }

    @Test
    void nestedJvpHasNoPerturbationConfusion() {
        // d/dx [x · d/dy (x + y)] = 1 at any x (a confused system answers 2).
        for (double x0 : new double[] {-3, 0, 2.5}) {
            Tensor x = Tensor.scalar(x0);
            Tensor outer = Functional.jvp(
                    xv -> xv.mul(Functional.jvp(y -> xv.add(y), Tensor.scalar(1.0), Tensor.scalar(1.0)).tangent()),
                    x, Tensor.scalar(1.0)).tangent();
            assertEquals(1.0, outer.item(), 0);
        }
    }

    @Test
    void jacobianOfSoftmaxIsDiagPMinusPPt() {
        Tensor x = Tensor.of(0.1, -1.0, 2.0, 0.5);
        Tensor p = x.softmax(0);
        Tensor expected = Tensor.eye(4).mul(p.reshape(1, 4)).sub(p.reshape(4, 1).mul(p.reshape(1, 4)));
        for (Mode mode : Mode.values()) {
            Jacobian j = Functional.jacobian(t -> t.softmax(0), x, mode, Functional.DEFAULT_JACOBIAN_BUDGET);
            assertFalse(j.isDiagonal());
            close(expected, j.toDense(), 1e-12);
        }
    }

    @Test
    void jacobianOperatorAppliesWithoutMaterialising() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor x = Tensor.of(0.5, -1.0);
        Jacobian j = Functional.jacobian(t -> a.matmul(t).tanh(), x);
        assertArrayEquals(new int[] {3}, j.outputShape());
        assertArrayEquals(new int[] {2}, j.inputShape());
        Tensor v = Tensor.of(1.0, 2.0);
        Tensor w = Tensor.of(1.0, -1.0, 0.5);
        close(j.toDense().matmul(v), j.apply(v), TOL);
        close(w.matmul(j.toDense()), j.applyTranspose(w), TOL);
        close(Functional.jvp(t -> a.matmul(t).tanh(), x, v).tangent(), j.apply(v), TOL);
        assertThrows(IllegalArgumentException.class, () -> j.apply(w));
        assertThrows(IllegalStateException.class, j::diagonal);
    }

    @Test
    void elementwiseChainHasADiagonalJacobianThatIsNeverMaterialised() {
        int n = 2_000_000; // dense would be n² = 4·10¹² numbers
        Tensor x = Tensor.linspace(-2, 2, n);
        for (Mode mode : Mode.values()) {
            Jacobian j = Functional.jacobian(t -> t.sin().exp().mul(t).add(1.0).tanh(), x, mode, Functional.DEFAULT_JACOBIAN_BUDGET);
            assertTrue(j.isDiagonal(), mode + " keeps the diagonal structure");
            assertEquals(n, j.storedElements());
            Tensor d = j.diagonal();
            assertArrayEquals(new int[] {n}, d.shape());
            double[] xs = x.toDoubleArray();
            double[] ds = d.toDoubleArray();
            for (int i = 0; i < n; i += 99_991) {
                double xi = xs[i];
                double u = Math.exp(Math.sin(xi)) * xi + 1;
                double du = Math.exp(Math.sin(xi)) * (Math.cos(xi) * xi + 1);
                double t = Math.tanh(u);
                assertEquals((1 - t * t) * du, ds[i], 1e-12, "d[" + i + "]");
            }
        }
        Jacobian small = Functional.jacobian(t -> t.square(), Tensor.of(1.0, 2.0, 3.0));
        close(Tensor.of(new double[] {2, 0, 0, 0, 4, 0, 0, 0, 6}, 3, 3), small.toDense(), 0);
        close(new double[] {2, 8, 18}, small.apply(Tensor.of(1.0, 2.0, 3.0)), 0);
    }

    @Test
    void hessianOfRosenbrock() {
        // f(x, y) = (1 − x)² + 100 (y − x²)².
        Function<Tensor, Tensor> rosen = v -> {
            Tensor x = v.slice(0, 0, 1);
            Tensor y = v.slice(0, 1, 2);
            return x.neg().add(1.0).square().add(y.sub(x.square()).square().mul(100.0)).sum();
        };
        double x = 0.3;
        double y = -0.8;
        Jacobian h = Functional.hessian(rosen, Tensor.of(x, y));
        double[] expected = {2 - 400 * (y - x * x) + 800 * x * x, -400 * x, -400 * x, 200};
        close(expected, h.toDense(), 1e-12);
        assertArrayEquals(new int[] {2, 2}, h.toDense().shape());
        // At the minimum (1, 1): [[802, −400], [−400, 200]].
        close(new double[] {802, -400, -400, 200}, Functional.hessian(rosen, Tensor.of(1.0, 1.0)).toDense(), 1e-12);
    }

    @Test
    void hessianOfQuadraticFormIsASymmetrised() {
        Tensor a = Tensor.of(new double[] {1, 2, 0, -3, 4, 5, 0.5, 6, -7}, 3, 3);
        Tensor x = Tensor.of(0.2, -0.3, 0.9);
        Jacobian h = Functional.hessian(t -> t.matmul(a.matmul(t)), x);
        close(a.add(a.transpose(0, 1)), h.toDense(), 1e-12);
        Tensor v = Tensor.of(1.0, -2.0, 0.5);
        close(a.add(a.transpose(0, 1)).matmul(v), Functional.hvp(t -> t.matmul(a.matmul(t)), x, v), 1e-12);
    }

    @Test
    void hessianOfLogsumexpIsDiagPMinusPPt() {
        Tensor x = Tensor.of(0.5, -1.0, 1.5, 0.0);
        Tensor p = x.softmax(0);
        Tensor expected = Tensor.eye(4).mul(p.reshape(1, 4)).sub(p.reshape(4, 1).mul(p.reshape(1, 4)));
        close(expected, Functional.hessian(t -> t.logsumexp(0), x).toDense(), 1e-12);
    }

    @Test
    void hessianOfASeparableSumIsStoredDiagonal() {
        Tensor x = Tensor.linspace(-1, 1, 7);
        Jacobian h = Functional.hessian(t -> t.tanh().sum(), x);
        assertTrue(h.isDiagonal());
        double[] xs = x.toDoubleArray();
        double[] expected = new double[7];
        for (int i = 0; i < 7; i++) {
            double t = Math.tanh(xs[i]);
            expected[i] = -2 * t * (1 - t * t);
        }
        close(expected, h.diagonal(), 1e-12);
    }

    @Test
    void hvpMatchesDenseHessianTimesVector() {
        Tensor a = Tensor.randn(7, 6, 5).mul(0.3);
        Tensor x = Tensor.randn(8, 5);
        Tensor v = Tensor.randn(9, 5);
        Function<Tensor, Tensor> f = t -> a.matmul(t).tanh().sum();
        Tensor dense = Functional.hessian(f, x).toDense();
        close(dense.matmul(v), Functional.hvp(f, x, v), 1e-12);
    }

    @Test
    void float32InputsGiveFloat32Results() {
        Tensor x = Tensor.of(1.0, 2.0).to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, Functional.grad(t -> t.square().sum(), x).dtype());
        assertEquals(DType.FLOAT32, Functional.jvp(t -> t.exp(), x, Tensor.of(1.0, 1.0)).tangent().dtype());
        assertEquals(DType.FLOAT32, Functional.jacrev(t -> t.softmax(0), x).toDense().dtype());
    }

    @Test
    void badInputsNameTheTransformAndShapes() {
        Tensor x = Tensor.of(1.0, 2.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.grad(t -> t.exp(), x));
        assertTrue(e.getMessage().contains("valueAndGrad") && e.getMessage().contains("[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.jvp(t -> t, x, Tensor.of(1.0)));
        assertTrue(e.getMessage().contains("jvp") && e.getMessage().contains("[1]") && e.getMessage().contains("[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.hvp(t -> t.sum(), x, null));
        assertTrue(e.getMessage().contains("hvp"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.jacobian(t -> null, x));
        assertTrue(e.getMessage().contains("returned null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.jacobian(t -> t, x, Mode.AUTO, 0));
        assertTrue(e.getMessage().contains("budget"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.grad((Function<Tensor, Tensor>) null, x));
        assertTrue(e.getMessage().contains("function is null"), e.getMessage());
    }

    @Test
    void edgeShapesAndConstantFunctions() {
        Tensor x = Tensor.of(1.0, 2.0, 3.0);
        for (Mode mode : Mode.values()) {
            // Output independent of x: zeros, in the right layout.
            Jacobian c = Functional.jacobian(t -> Tensor.ones(2, 2), x, mode, Functional.DEFAULT_JACOBIAN_BUDGET);
            assertArrayEquals(new int[] {2, 2, 3}, c.toDense().shape());
            assertEquals(0.0, c.toDense().abs().sum().item(), 0);
            // 0-d input and output.
            Jacobian s = Functional.jacobian(t -> t.mul(t).sin(), Tensor.scalar(0.5), mode, Functional.DEFAULT_JACOBIAN_BUDGET);
            assertEquals(Math.cos(0.25) * 1.0, s.toDense().item(), 1e-15);
            // Scalar output of a vector: the gradient as a [1 × 3]-shaped row ([] ++ [3]).
            Jacobian g = Functional.jacobian(t -> t.square().sum(), x, mode, Functional.DEFAULT_JACOBIAN_BUDGET);
            close(new double[] {2, 4, 6}, g.toDense(), 0);
            assertArrayEquals(new int[] {3}, g.toDense().shape());
            // Empty input.
            Jacobian e = Functional.jacobian(t -> t.sum().add(1.0).reshape(1), Tensor.zeros(0), mode, Functional.DEFAULT_JACOBIAN_BUDGET);
            assertArrayEquals(new int[] {1, 0}, e.toDense().shape());
        }
        assertEquals(0.0, Functional.grad(t -> Tensor.scalar(3.0), x).abs().sum().item(), 0);
        assertEquals(0.0, Functional.hvp(t -> t.sum(), x, x).abs().sum().item(), 0);
    }

    @Test
    void userTensorsKeepTheirStateAfterTransforms() {
        Tensor w = Tensor.of(1.0, -2.0).requiresGrad(true);
        Tensor x = Tensor.of(0.5, 0.25);
        Functional.grad(t -> t.mul(w).sum(), x);
        Functional.jacrev(t -> t.mul(w), x);
        Functional.hessian(t -> t.mul(w).square().sum(), x);
        close(new double[] {0, 0}, w.grad(), 0);   // transforms never accumulate into a parameter's grad()
        assertFalse(x.requiresGrad());
        w.mul(x).sum().backward();      // the parameter is still usable in an ordinary backward
        close(x, w.grad(), 0);
    }

    @Test
    void layersKeepTheDiagonalStructure() {
        Tensor x = Tensor.linspace(-1, 1, 5);
        Layer chain = Layer.sin().then(Layer.of("cube", v -> v * v * v, v -> 3 * v * v));
        Jacobian j = Functional.jacobian(t -> chain.apply(t).value(), x);
        assertTrue(j.isDiagonal());
        close(chain.apply(x).derivative(), j.diagonal(), 1e-15);
    }
}
