package dev.jgrad;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's code examples, verbatim apart from the assertions; keep the two in sync. */
class ReadmeExamplesTest {

    @Test
    void scalarLoss() {
        Tensor w = Tensor.of(new double[] {0.5, -1.0, 2.0}, 3).requiresGrad(true);
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor loss = x.mul(w).tanh().sum();     // w broadcasts over the rows of x
        loss.backward();
        Tensor dw = w.grad();                    // d loss / d w, shape [3]
        assertArrayEquals(new int[] {3}, dw.shape());
    }

    @Test
    void nonScalarOutputAndExplicitSeed() {
        Tensor v = Tensor.of(1.0, 2.0, 3.0).requiresGrad(true);
        v.square().backward();                   // same as v.square().sum().backward()
        assertArrayEquals(new double[] {2, 4, 6}, v.grad().toDoubleArray());

        Tensor u = Tensor.of(1.0, 2.0, 3.0).requiresGrad(true);
        u.square().backward(Tensor.of(0.5, -1.0, 2.0));   // vector-Jacobian product
        assertArrayEquals(new double[] {1, -4, 12}, u.grad().toDoubleArray());
    }

    @Test
    void accumulationNoGradDetach() {
        Tensor p = Tensor.of(1.0, 2.0).requiresGrad(true);
        p.mul(3.0).sum().backward();
        p.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {6, 6}, p.grad().toDoubleArray());
        p.zeroGrad();
        assertArrayEquals(new double[] {0, 0}, p.grad().toDoubleArray());

        p.mul(3.0).sum().backward();
        try (GradScope _ = Tensor.noGrad()) {
            p = p.sub(p.grad().mul(0.1)).requiresGrad(true);   // an update step, not recorded
        }
        Tensor constant = p.exp().detach();     // a leaf that does not require a gradient
        assertTrue(p.isLeaf() && p.requiresGrad());
        assertArrayEquals(new double[] {0.7, 1.7}, p.toDoubleArray(), 1e-12);
        assertFalse(constant.requiresGrad());
    }

    @Test
    void retainGradRetainGraphCreateGraph() {
        Tensor a = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor h = a.mul(3.0).retainGrad();
        h.square().sum().backward();
        assertArrayEquals(new double[] {6, 12}, h.grad().toDoubleArray());
        assertArrayEquals(new double[] {18, 36}, a.grad().toDoubleArray());

        Tensor b = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor y = b.exp().sum();
        y.backward(null, true, false);          // seed null = default seed; retainGraph = true
        y.backward();                            // allowed once more; now the graph is released
        assertArrayEquals(new double[] {2 * Math.exp(1), 2 * Math.exp(2)}, b.grad().toDoubleArray(), 1e-12);

        Tensor z = Tensor.of(-1.0, 0.5, 2.0).requiresGrad(true);
        z.pow(3.0).sum().backward(null, false, true);
        Tensor dz = z.grad();                    // 3z² = [3, 0.75, 12]
        z.zeroGrad();
        dz.sum().backward();
        assertArrayEquals(new double[] {3, 0.75, 12}, dz.toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {-6, 3, 12}, z.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void trainingStep() {
        Tensor xb = Tensor.randn(7, 4, 3);
        int[] yb = {0, 2, 1, 2};
        Tensor w1 = Tensor.randn(1, 3, 8).mul(0.5).requiresGrad(true);
        Tensor b1 = Tensor.zeros(8).requiresGrad(true);
        Tensor w2 = Tensor.randn(2, 8, 3).mul(0.5).requiresGrad(true);
        Tensor logits = xb.matmul(w1).add(b1).relu().matmul(w2);
        assertArrayEquals(new int[] {4, 3}, logits.shape());
        Tensor ce = logits.crossEntropy(yb);
        ce.backward();
        assertArrayEquals(new int[] {3, 8}, w1.grad().shape());
        assertArrayEquals(new int[] {8}, b1.grad().shape());
        Tensor before = w1;
        try (GradScope _ = Tensor.noGrad()) {
            w1 = w1.sub(w1.grad().mul(0.1)).requiresGrad(true);
        }
        assertTrue(w1.isLeaf());
        // The step lowers the loss for a small enough learning rate.
        double after = xb.matmul(w1).add(b1).relu().matmul(w2).crossEntropy(yb).item();
        assertTrue(after < ce.item(), "loss " + ce.item() + " -> " + after);
        assertTrue(before.grad().numel() == 24);
    }

    @Test
    void gradCheck() {
        Tensor in0 = Tensor.randn(1, 3, 4);
        Tensor in1 = Tensor.randn(2, 4);
        GradCheck.assertGradients(in -> in[0].mul(in[1]).tanh(), in0, in1);   // AssertionError on a mismatch

        GradCheck.Result r = GradCheck.check(in -> in[0].exp().sum(0),
                GradCheck.Options.DEFAULT.withSecondOrder(true), in0);
        assertTrue(r.passed(), r.message());
    }

    @Test
    void forwardModeLayers() {
        Tensor t = Tensor.linspace(-2, 2, 5);
        Layer.Output th = Layer.tanh().apply(t);
        th.value();                              // tanh t
        th.derivative();                         // 1 − tanh² t, from the value, shape [5]
        assertTrue(th.value().allClose(t.tanh(), 0, 1e-15));
        assertTrue(th.derivative().allClose(t.tanh().square().neg().add(1), 0, 1e-15));

        Layer act = Layer.sin().then(Layer.tanh()).then(Layer.square());   // or Layer.chain(sin, tanh, square)
        Layer.Output o = act.apply(t);
        o.derivative();                          // 2 tanh(sin t) · (1 − tanh²(sin t)) · cos t
        Tensor u = t.sin().tanh();
        assertTrue(o.derivative().allClose(u.mul(2).mul(u.square().neg().add(1)).mul(t.cos()), 1e-12, 1e-15));

        Layer cube = Layer.of("cube", v -> v * v * v, v -> 3 * v * v);
        Layer softsign = Layer.of("mySoftsign", x -> x.div(x.abs().add(1)),
                (x, y) -> x.abs().add(1).square().reciprocal());
        Tensor d = cube.then(softsign).apply(t).derivative();
        Tensor c = t.pow(3.0);
        assertTrue(d.allClose(c.abs().add(1).square().reciprocal().mul(t.square().mul(3)), 1e-12, 1e-15));
    }

    @Test
    void forwardModeDualTensors() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor direction = Tensor.of(new double[] {1, 0, 0, 1}, 2, 2);
        try (ForwardMode fwd = ForwardMode.begin()) {
            Tensor ad = fwd.dual(a, direction);                    // primal a, tangent direction
            Tensor out = ad.matmul(ad).softmax(1).mul(ad).sum(0);  // any ops: matmul, softmax, reductions…
            Tensor dOut = fwd.tangentOf(out);                       // J·direction, shape [2]
            assertArrayEquals(new int[] {2}, dOut.shape());
            double h = 1e-6;
            Tensor fd = a.add(direction.mul(h)).matmul(a.add(direction.mul(h))).softmax(1).mul(a.add(direction.mul(h))).sum(0)
                    .sub(a.sub(direction.mul(h)).matmul(a.sub(direction.mul(h))).softmax(1).mul(a.sub(direction.mul(h))).sum(0))
                    .div(2 * h);
            assertTrue(dOut.allClose(fd, 1e-6, 1e-8), dOut + " vs " + fd);
        }

        Tensor p = Tensor.of(0.5, -1.0).requiresGrad(true);
        Tensor v = Tensor.of(1.0, 2.0);
        try (ForwardMode fwd = ForwardMode.begin()) {
            fwd.dual(p, v).pow(3.0).sum().backward();   // gradient 3p²
            Tensor hv = fwd.tangentOf(p.grad());        // H·v = 6p·v = [3, -12]
            assertArrayEquals(new double[] {3, -12}, hv.toDoubleArray(), 1e-12);
            assertArrayEquals(new double[] {0.75, 3}, p.grad().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void customFunctions() {
        CustomFunction log1pexp = new CustomFunction() {       // log(1 + eˣ) without overflow
            public Tensor value(Tensor... in) {
                return in[0].relu().add(in[0].abs().neg().exp().log1p());
            }
            public Tensor jvp(Tensor[] in, Tensor out, Tensor[] tangents) {
                return in[0].sigmoid().mul(tangents[0]);
            }
            public Tensor[] vjp(Tensor[] in, Tensor out, Tensor cotangent) {
                return new Tensor[] {in[0].sigmoid().mul(cotangent)};
            }
        };
        Tensor s = log1pexp.apply(Tensor.of(-1000.0, 0.0, 1000.0));   // [0, log 2, 1000]
        GradCheck.assertGradients(in -> log1pexp.apply(in[0]),
                GradCheck.Options.DEFAULT.withSecondOrder(true), Tensor.randn(3, 4));
        assertArrayEquals(new double[] {0, Math.log(2), 1000}, s.toDoubleArray(), 1e-12);
    }

    @Test
    void errorMessagesQuoted() {
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertEquals(
                "add: shapes [2, 3] and [4] cannot be broadcast together (axis -1: 3 vs 4)", add.getMessage());
        IllegalArgumentException squeeze = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).squeeze(0));
        assertEquals("squeeze: axis 0 has size 2, not 1, in shape [2, 3]", squeeze.getMessage());
    }

    @Test
    void releasingTensorsEarly() {
        Tensor w = Tensor.randn(1, 256, 256);          // a model's weights
        Tensor x = Tensor.randn(2, 256, 64);           // one batch
        double first = Double.NaN;
        try (GradScope _ = Tensor.noGrad()) {
            for (int step = 0; step < 100; step++) {
                Tensor h = w.matmul(x);                // 256×64: the same size every step
                Tensor y = h.tanh();
                double total = y.sum().item();
                h.release();                           // both done with: the next step's h and y
                y.release();                           //   are written into their arrays
                if (step == 0) {
                    first = total;
                }
                assertEquals(first, total, 0.0);
                assertTrue(h.isReleased() && y.isReleased());
            }
        }
    }
}
