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
    void errorMessagesQuoted() {
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertEquals(
                "add: shapes [2, 3] and [4] cannot be broadcast together (axis -1: 3 vs 4)", add.getMessage());
        IllegalArgumentException squeeze = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).squeeze(0));
        assertEquals("squeeze: axis 0 has size 2, not 1, in shape [2, 3]", squeeze.getMessage());
    }
}
