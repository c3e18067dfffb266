package dev.jgrad;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CustomFunctionTest {
    private static final GradCheck.Options ALL = GradCheck.Options.DEFAULT.withSecondOrder(true);

    /** log(1 + eˣ) = max(x, 0) + log1p(e^−|x|): no overflow for large x; derivative σ(x). */
    static class Log1pExp implements CustomFunction {
        boolean sawRecording;

        @Override
        public Tensor value(Tensor... in) {
            sawRecording |= Tensor.isGradEnabled() || in[0].requiresGrad();
            return in[0].relu().add(in[0].abs().neg().exp().log1p());
        }

        @Override
        public Tensor jvp(Tensor[] in, Tensor out, Tensor[] tangents) {
            return in[0].sigmoid().mul(tangents[0]);
        }

        @Override
        public Tensor[] vjp(Tensor[] in, Tensor out, Tensor cotangent) {
            return new Tensor[] {in[0].sigmoid().mul(cotangent)};
        }
    }

    /** a·b (matrix product) with hand-written bilinear rules: two transposes. */
    static class Bilinear implements CustomFunction {
        @Override
        public Tensor value(Tensor... in) {
            return in[0].matmul(in[1]);
        }

        @Override
        public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            return t[0].matmul(in[1]).add(in[0].matmul(t[1]));
        }

        @Override
        public Tensor[] vjp(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {g.matmul(in[1].mT()), in[0].mT().matmul(g)};
        }
    }

    @Test
    void stableLog1pExpPassesGradCheckInBothModesAndSecondOrder() {
        Log1pExp f = new Log1pExp();
        Tensor x = Tensor.randn(1, 3, 4).mul(3);
        GradCheck.Result r = GradCheck.assertGradients(in -> f.apply(in[0]), ALL, x);
        assertTrue(r.passed(), r.message());
        assertFalse(f.sawRecording, "value() runs under noGrad on detached inputs");
        Tensor big = Tensor.of(-1000.0, 0.0, 1000.0);
        assertArrayEquals(new double[] {0, Math.log(2), 1000}, f.apply(big).toDoubleArray(), 1e-12);
        assertEquals("Log1pExp", f.apply(big.requiresGrad(true)).opName());
    }

    @Test
    void bilinearOpPassesGradCheckWithTwoInputsAndSecondOrder() {
        Bilinear f = new Bilinear();
        GradCheck.assertGradients(in -> f.apply(in[0], in[1]).tanh(), ALL, Tensor.randn(2, 3, 4), Tensor.randn(3, 4, 2));
        GradCheck.assertGradients(in -> f.apply(in[0], in[1]), ALL, Tensor.randn(4, 3, 4), Tensor.randn(5, 4, 2));
    }

    @Test
    void worksInForwardModeAndReverseMode() {
        Tensor a = Tensor.randn(6, 2, 3);
        Tensor b = Tensor.randn(7, 3, 2).requiresGrad(true);
        Tensor ta = Tensor.randn(8, 2, 3);
        Tensor y;
        try (ForwardMode fwd = ForwardMode.begin()) {
            y = new Bilinear().apply(fwd.dual(a, ta), b);
            assertTrue(fwd.tangentOf(y).allClose(ta.matmul(b.detach()), 1e-12, 1e-12));
        }
        y.sum().backward();
        assertTrue(b.grad().allClose(a.mT().matmul(Tensor.ones(2, 2)), 1e-12, 1e-12));
    }

    @Test
    void forwardOverReverseThroughTheUserRules() {
        Tensor w = Tensor.randn(9, 3, 2);
        Tensor x0 = Tensor.randn(10, 2, 3);
        Tensor v = Tensor.randn(11, 2, 3);
        java.util.function.Function<Tensor, double[]> gradient = at -> {
            Tensor x = at.detach().requiresGrad(true);
            new Log1pExp().apply(new Bilinear().apply(x, w)).square().sum().backward();
            return x.grad().toDoubleArray();
        };
        Tensor x = x0.detach().requiresGrad(true);
        Tensor hv;
        try (ForwardMode fwd = ForwardMode.begin()) {
            new Log1pExp().apply(new Bilinear().apply(fwd.dual(x, v), w)).square().sum().backward();
            hv = fwd.tangentOf(x.grad());
        }
        double h = 1e-6;
        double[] p = gradient.apply(x0.add(v.mul(h)));
        double[] m = gradient.apply(x0.sub(v.mul(h)));
        for (int i = 0; i < p.length; i++) {
            double fd = (p[i] - m[i]) / (2 * h);
            assertEquals(fd, hv.toDoubleArray()[i], 1e-6 * (1 + Math.abs(fd)), "Hv at " + i);
        }
    }

    @Test
    void gradCheckCatchesWrongUserRules() {
        CustomFunction wrongVjp = new Log1pExp() {
            @Override
            public Tensor[] vjp(Tensor[] in, Tensor out, Tensor cotangent) {
                return new Tensor[] {in[0].sigmoid().mul(cotangent).mul(1.1)};
            }
        };
        GradCheck.Result r = GradCheck.check(in -> wrongVjp.apply(in[0]), Tensor.randn(2, 5));
        assertFalse(r.passed());
        assertEquals("reverse", r.worstCheck(), r.message());
        CustomFunction wrongJvp = new Bilinear() {
            @Override
            public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
                return t[0].matmul(in[1]);   // forgets the second input's tangent
            }
        };
        GradCheck.Result f = GradCheck.check(in -> wrongJvp.apply(in[0], in[1]), Tensor.randn(3, 2, 2), Tensor.randn(4, 2, 2));
        assertFalse(f.passed());
        assertEquals("forward", f.worstCheck(), f.message());
        assertEquals(1, f.worstInput(), f.message());
    }

    @Test
    void aNullVjpMeansNoGradientForThatInput() {
        CustomFunction scale = new CustomFunction() {
            public Tensor value(Tensor... in) { return in[0].mul(in[1]); }
            public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) { return t[0].mul(in[1]); }
            public Tensor[] vjp(Tensor[] in, Tensor out, Tensor g) { return new Tensor[] {g.mul(in[1]), null}; }
        };
        assertEquals("CustomFunction", scale.name());
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor s = Tensor.scalar(3.0).requiresGrad(true);
        scale.apply(x, s).sum().backward();
        assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray());
        assertEquals(0.0, s.grad().item());   // not reached: zeros, as for any untouched leaf
    }

    /** A function whose rules return whatever the test puts in the fields. */
    private static CustomFunction returning(Tensor value, Tensor jvp, Tensor[] vjp) {
        return new CustomFunction() {
            public Tensor value(Tensor... in) { return value; }
            public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) { return jvp; }
            public Tensor[] vjp(Tensor[] in, Tensor out, Tensor g) { return vjp; }
            public String name() { return "userFn"; }
        };
    }

    @Test
    void checksWhatTheUserReturns() {
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        IllegalStateException nullValue = assertThrows(IllegalStateException.class,
                () -> returning(null, null, null).apply(x));
        assertEquals("userFn: value() returned null for inputs of shapes [2, 3]", nullValue.getMessage());

        CustomFunction badJvp = returning(Tensor.ones(2), Tensor.ones(3), null);
        try (ForwardMode fwd = ForwardMode.begin()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> badJvp.apply(fwd.dual(x, x)));
            assertEquals("userFn: jvp() returned shape [3] but the output has shape [2] (inputs [2, 3])", e.getMessage());
        }

        IllegalStateException count = assertThrows(IllegalStateException.class,
                () -> returning(Tensor.ones(2), null, new Tensor[0]).apply(x).sum().backward());
        assertEquals("userFn: vjp() returned 0 tensors but there are 1 inputs (shapes [2, 3]); return one per input, null for zero",
                count.getMessage());
        IllegalStateException shape = assertThrows(IllegalStateException.class,
                () -> returning(Tensor.ones(2), null, new Tensor[] {Tensor.ones(3, 2)}).apply(x).sum().backward());
        assertEquals("userFn: vjp() returned shape [3, 2] for input 0 of shape [2, 3] (output shape [2])", shape.getMessage());
        assertThrows(IllegalStateException.class, () -> returning(Tensor.ones(2), null, null).apply(x).sum().backward());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new Bilinear().apply());
        assertEquals("Bilinear: needs at least one input tensor", none.getMessage());
        IllegalArgumentException nullInput = assertThrows(IllegalArgumentException.class, () -> new Bilinear().apply(x, null));
        assertEquals("Bilinear: input 1 is null", nullInput.getMessage());
    }

    @Test
    void float32InputsGiveFloat32Gradients() {
        Tensor x = Tensor.of(new float[] {0.5f, -2f}, 2).requiresGrad(true);
        Tensor y = new Log1pExp().apply(x);
        assertEquals(DType.FLOAT32, y.dtype());
        y.sum().backward();
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertArrayEquals(new double[] {1 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(2))}, x.grad().toDoubleArray(), 1e-7);
    }

    @Test
    void usableInTheFunctionalTransforms() {
        Log1pExp f = new Log1pExp();
        Tensor x = Tensor.of(-1.5, 0.2, 3.0);
        double[] xs = x.toDoubleArray();
        double[] sigma = new double[3];
        double[] sigmaPrime = new double[3];
        for (int i = 0; i < 3; i++) {
            sigma[i] = 1 / (1 + Math.exp(-xs[i]));
            sigmaPrime[i] = sigma[i] * (1 - sigma[i]);
        }
        assertArrayEquals(sigma, Functional.grad(t -> f.apply(t).sum(), x).toDoubleArray(), 1e-12);
        // Custom rules are not batch-transparent: a batch of directions goes through them one at a time.
        for (Jacobian j : new Jacobian[] {Functional.jacfwd(f::apply, x), Functional.jacrev(f::apply, x)}) {
            double[] dense = j.toDense().toDoubleArray();
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(r == c ? sigma[r] : 0.0, dense[r * 3 + c], 1e-12, j + " [" + r + "][" + c + "]");
                }
            }
        }
        Tensor v = Tensor.of(1.0, -2.0, 0.5);
        double[] hv = Functional.hvp(t -> f.apply(t).sum(), x, v).toDoubleArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(sigmaPrime[i] * v.toDoubleArray()[i], hv[i], 1e-12);
        }
    }
}
