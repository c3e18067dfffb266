package dev.jgrad;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardModeTest {
    private static final double H = 1e-6;

    static void close(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected[i], actual[i], tol * (1 + Math.abs(expected[i])), what + " at " + i);
        }
    }

    /** (f(x + h·u) − f(x − h·u)) / 2h, moving every input along its tangent at once. */
    static double[] directionalDifference(Function<Tensor[], Tensor> f, Tensor[] x, Tensor[] u) {
        Tensor[] plus = new Tensor[x.length];
        Tensor[] minus = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            plus[i] = x[i].add(u[i].mul(H));
            minus[i] = x[i].sub(u[i].mul(H));
        }
        double[] p = f.apply(plus).toDoubleArray();
        double[] m = f.apply(minus).toDoubleArray();
        double[] d = new double[p.length];
        for (int k = 0; k < d.length; k++) {
            d[k] = (p[k] - m[k]) / (2 * H);
        }
        return d;
    }

    /** J·u by forward mode, every input dual with its tangent. */
    static Tensor jvp(Function<Tensor[], Tensor> f, Tensor[] x, Tensor[] u) {
        try (ForwardMode fwd = ForwardMode.begin()) {
            Tensor[] duals = new Tensor[x.length];
            for (int i = 0; i < x.length; i++) {
                duals[i] = fwd.dual(x[i], u[i]);
            }
            return fwd.tangentOf(f.apply(duals));
        }
    }

    static Arguments fn(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        return Arguments.of(name, f, inputs);
    }

    static Stream<Arguments> composedFunctions() {
        Tensor x = Tensor.randn(1, 3, 4);
        Tensor w = Tensor.randn(2, 4, 2);
        Tensor b = Tensor.randn(3, 2);
        Tensor target = Tensor.rand(12, 3, 4);
        return Stream.of(
                fn("matmul, add, tanh, sum", in -> in[0].matmul(in[1]).add(in[2]).tanh().sum(1), x, w, b),
                fn("batched matmul, dot, outer", in -> in[0].reshape(3, 2, 2).matmul(in[1].reshape(2, 2, 2).slice(0, 0, 1))
                        .flatten().outer(in[2].flatten().slice(0, 0, 3)).mul(in[2].flatten().dot(in[2].flatten())), x, w, b),
                fn("reductions", in -> Tensor.stack(0, in[0].max(1), in[0].min(1), in[0].logsumexp(1), in[0].var(new int[] {1}, false, 1),
                        in[0].std(new int[] {1}, false, 1), in[0].norm(new int[] {1}, false), in[0].mean(1)), x),
                fn("shape ops", in -> Tensor.concat(0, in[0].mT(), in[1].reshape(4, 2).pad(new int[][] {{0, 0}, {1, 0}}, 0.5))
                        .permute(1, 0).unsqueeze(0).broadcastTo(2, 3, 8).slice(2, 1, 8, 2).indexSelect(1, 2, 0, 2)
                        .squeeze().split(1, 0).get(1).squeeze(0).gather(1, Tensor.of(new double[] {0, 3, 1, 2, 2, 0}, 3, 2)), x, w),
                fn("softmax, logSoftmax", in -> in[0].softmax(1).mul(in[0]).logSoftmax(0), x),
                fn("losses", in -> in[0].crossEntropy(0, 3, 1).add(in[0].mse(in[1].matmul(in[1].mT()).slice(0, 0, 3)))
                        .add(in[0].binaryCrossEntropyWithLogits(target)), x, w.reshape(4, 2)),
                fn("binary ops", in -> in[0].abs().add(0.5).pow(in[1].slice(1, 0, 1).mT().broadcastTo(3, 4).add(3))
                        .div(in[0].square().add(1)).maximum(in[0]).minimum(in[0].mul(2))
                        .clamp(-1.5, 1.5), x, w.reshape(4, 2)),
                fn("where, expm1, log1p, silu, gelu, leakyRelu", in -> Tensor.where(in[0].gt(0), in[0].expm1(), in[0].leakyRelu(0.1))
                        .add(in[0].square().log1p()).add(in[0].silu()).sub(in[0].gelu()), x));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("composedFunctions")
    void jvpOfComposedFunctionsMatchesFiniteDifferences(String name, Function<Tensor[], Tensor> f, Tensor[] x) {
        Tensor[] u = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            u[i] = Tensor.randn(10 + i, x[i].shape());
        }
        Tensor t = jvp(f, x, u);
        Tensor y = f.apply(x);
        assertArrayEquals(y.shape(), t.shape(), name);
        close(directionalDifference(f, x, u), t.toDoubleArray(), 1e-6, name);
    }

    @Test
    void nestedForwardModeHasNoPerturbationConfusion() {
        // d/dx [x · d/dy (x + y)] at y = x is 1 for every x; confusing the two perturbations gives 2.
        for (double x0 : new double[] {-2.0, 0.0, 3.5}) {
            try (ForwardMode outer = ForwardMode.begin()) {
                Tensor x = outer.dual(Tensor.scalar(x0), Tensor.scalar(1.0));
                Tensor inner;
                try (ForwardMode in = ForwardMode.begin()) {
                    Tensor y = in.dual(x, Tensor.scalar(1.0));
                    inner = in.tangentOf(x.add(y));
                }
                assertEquals(1.0, outer.tangentOf(x.mul(inner)).item(), 0.0, "at x = " + x0);
            }
        }
    }

    @Test
    void forwardOverForwardGivesSecondDerivatives() {
        Tensor x0 = Tensor.of(0.3, -1.2, 2.0);
        try (ForwardMode outer = ForwardMode.begin(); ForwardMode inner = ForwardMode.begin()) {
            Tensor x = inner.dual(outer.dual(x0, Tensor.onesLike(x0)), Tensor.onesLike(x0));
            Tensor y = x.sin().mul(x);                       // (x sin x)'' = 2cos x − x sin x
            Tensor second = outer.tangentOf(inner.tangentOf(y));
            double[] expected = new double[3];
            for (int i = 0; i < 3; i++) {
                double v = x0.get(i);
                expected[i] = 2 * Math.cos(v) - v * Math.sin(v);
            }
            close(expected, second.toDoubleArray(), 1e-14, "second derivative");
        }
    }

    private static Tensor rosenbrockLike(Tensor x) {
        Tensor head = x.slice(0, 0, 3);
        Tensor tail = x.slice(0, 1, 4);
        return tail.sub(head.square()).square().mul(10).add(head.neg().add(1).square()).sum().add(x.exp().mul(x).sum());
    }

    private static double[] gradientAt(Tensor x0) {
        Tensor x = x0.detach().requiresGrad(true);
        rosenbrockLike(x).backward();
        return x.grad().toDoubleArray();
    }

    private static double[] hessianVectorByFd(Tensor x0, Tensor v) {
        double[] p = gradientAt(x0.add(v.mul(H)));
        double[] m = gradientAt(x0.sub(v.mul(H)));
        double[] d = new double[p.length];
        for (int k = 0; k < d.length; k++) {
            d[k] = (p[k] - m[k]) / (2 * H);
        }
        return d;
    }

    @Test
    void forwardOverReverseGivesHessianVectorProducts() {
        Tensor x0 = Tensor.of(0.5, -0.3, 1.1, 0.8);
        Tensor v = Tensor.of(1.0, 2.0, -1.0, 0.5);
        Tensor x = x0.detach().requiresGrad(true);
        try (ForwardMode fwd = ForwardMode.begin()) {
            rosenbrockLike(fwd.dual(x, v)).backward();
            close(hessianVectorByFd(x0, v), fwd.tangentOf(x.grad()).toDoubleArray(), 1e-6, "Hv (forward-over-reverse)");
            close(gradientAt(x0), x.grad().toDoubleArray(), 1e-14, "the gradient itself");
        }
    }

    @Test
    void reverseOverForwardGivesHessianVectorProducts() {
        Tensor x0 = Tensor.of(0.5, -0.3, 1.1, 0.8);
        Tensor x = x0.detach().requiresGrad(true);
        Tensor v = Tensor.of(1.0, 2.0, -1.0, 0.5).requiresGrad(true);
        Tensor directional;
        try (ForwardMode fwd = ForwardMode.begin()) {
            directional = fwd.tangentOf(rosenbrockLike(fwd.dual(x, v)));   // ⟨∇f, v⟩, recorded
        }
        directional.backward();
        close(hessianVectorByFd(x0, v.detach()), x.grad().toDoubleArray(), 1e-6, "∇⟨∇f, v⟩ = Hv");
        close(gradientAt(x0), v.grad().toDoubleArray(), 1e-14, "∇_v ⟨∇f, v⟩ = ∇f");
    }

    @Test
    void mixesWithReverseModeInOneComputation() {
        Tensor w = Tensor.randn(3, 4, 2).requiresGrad(true);
        Tensor x0 = Tensor.randn(4, 3, 4);
        Tensor u = Tensor.randn(5, 3, 4);
        Function<Tensor[], Tensor> f = in -> in[0].matmul(in[1]).tanh().square().sum();
        Tensor tangent;
        try (ForwardMode fwd = ForwardMode.begin()) {
            Tensor y = f.apply(new Tensor[] {fwd.dual(x0, u), w});
            tangent = fwd.tangentOf(y);
            y.backward();
        }
        close(directionalDifference(in -> f.apply(new Tensor[] {in[0], w.detach()}), new Tensor[] {x0}, new Tensor[] {u}),
                tangent.toDoubleArray(), 1e-6, "tangent");
        Tensor wr = w.detach().requiresGrad(true);
        f.apply(new Tensor[] {x0, wr}).backward();
        close(wr.grad().toDoubleArray(), w.grad().toDoubleArray(), 1e-14, "gradient of the parameter");
    }

    @Test
    void dualLeavesThePrimalUntouchedAndFlowsGradientToIt() {
        Tensor x0 = Tensor.of(1.0, 2.0).requiresGrad(true);
        try (ForwardMode fwd = ForwardMode.begin()) {
            Tensor x = fwd.dual(x0, Tensor.of(1.0, 1.0));
            assertNotSame(x0, x);
            assertArrayEquals(new double[] {0, 0}, fwd.tangentOf(x0).toDoubleArray());
            assertArrayEquals(new double[] {0, 0}, fwd.tangentOf(x0.exp()).toDoubleArray());
            x.square().sum().backward();
        }
        assertArrayEquals(new double[] {2, 4}, x0.grad().toDoubleArray());
        assertTrue(x0.isLeaf());
    }

    @Test
    void float32DualsKeepFloat32() {
        Tensor x0 = Tensor.of(new float[] {0.5f, -1f, 2f}, 3);
        Tensor u = Tensor.of(1.0, 0.5, -2.0);                   // float64: converted to the primal's dtype
        try (ForwardMode fwd = ForwardMode.begin()) {
            Tensor x = fwd.dual(x0, u);
            assertEquals(DType.FLOAT32, fwd.tangentOf(x).dtype());
            Tensor t = fwd.tangentOf(x.tanh().mul(x).softmax(0));
            assertEquals(DType.FLOAT32, t.dtype());
            Tensor t64 = jvp(in -> in[0].tanh().mul(in[0]).softmax(0), new Tensor[] {x0.to(DType.FLOAT64)}, new Tensor[] {u});
            close(t64.toDoubleArray(), t.toDoubleArray(), 1e-6, "float32 tangent");
        }
    }

    @Test
    void errors() {
        ForwardMode fwd = ForwardMode.begin();
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> fwd.dual(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertEquals("ForwardMode.dual: tangent shape [3, 2] does not match primal shape [2, 3]", shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fwd.dual(null, Tensor.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> fwd.dual(Tensor.zeros(1), null));
        assertThrows(IllegalArgumentException.class, () -> fwd.tangentOf(null));
        Tensor x = fwd.dual(Tensor.zeros(2), Tensor.ones(2));
        assertTrue(fwd.isOpen());
        fwd.close();
        fwd.close();   // idempotent
        assertFalse(fwd.isOpen());
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> fwd.tangentOf(x));
        assertTrue(closed.getMessage().startsWith("ForwardMode.tangentOf: this forward-mode scope is closed"), closed.getMessage());
        assertThrows(IllegalStateException.class, () -> fwd.dual(Tensor.zeros(2), Tensor.ones(2)));
    }

    @Test
    void closingAnInnerScopeLeavesTheOuterOneWorking() {
        Tensor x;
        Tensor before;
        try (ForwardMode outer = ForwardMode.begin()) {
            ForwardMode inner = ForwardMode.begin();
            x = outer.dual(inner.dual(Tensor.of(1.0, 2.0), Tensor.of(1.0, 1.0)), Tensor.of(3.0, 3.0));
            before = inner.tangentOf(x.mul(2.0));
            inner.close();
            Tensor after = x.mul(2.0);
            assertArrayEquals(new double[] {6, 6}, outer.tangentOf(after).toDoubleArray());
        }
        assertArrayEquals(new double[] {2, 2}, before.toDoubleArray());
    }
}
