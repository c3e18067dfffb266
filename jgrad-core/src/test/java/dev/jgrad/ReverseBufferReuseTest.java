package dev.jgrad;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reverse engine adds cotangents in place only into buffers it allocated and never handed
 * out. These tests hold on to every tensor a user could hold (an earlier grad(), the seed, a
 * retained intermediate's gradient, a createGraph gradient) and check none of them changes.
 */
class ReverseBufferReuseTest {
    private static final double[] W = {0.5, -1.25, 2.0, 0.75};

    /** f(w) = Σ (w·w + w + 3w): w reaches the loss along several paths (sums of 3+ cotangents). */
    private static Tensor loss(Tensor w) {
        return w.mul(w).add(w).add(w.mul(3.0)).sum();
    }

    private static double[] expectedGrad(double times) {
        double[] g = new double[W.length];
        for (int i = 0; i < W.length; i++) {
            g[i] = times * (2 * W[i] + 4);
        }
        return g;
    }

    private static Tensor leaf() {
        return Tensor.of(W.clone(), 2, 2).requiresGrad(true);
    }

    @Test
    void gradHandedOutEarlierIsNeverWritten() {
        Tensor w = leaf();
        loss(w).backward();
        loss(w).backward(); // the second pass may accumulate in place: nobody holds the buffer yet
        Tensor first = w.grad();
        double[] before = first.toDoubleArray();
        assertArrayEquals(expectedGrad(2), before, 1e-12);
        loss(w).backward();
        loss(w).backward();
        assertArrayEquals(before, first.toDoubleArray(), 0.0, "a grad() the user holds must not change");
        assertArrayEquals(expectedGrad(4), w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void manyBackwardPassesAccumulateExactly() {
        Tensor w = leaf();
        for (int k = 0; k < 5; k++) {
            loss(w).backward();
        }
        assertArrayEquals(expectedGrad(5), w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void explicitSeedIsNeverWritten() {
        Tensor w = leaf();
        Tensor y = w.add(w).add(w.mul(w)).add(w); // the seed itself flows into several sums
        double[] seedValues = {1.0, 2.0, -3.0, 0.5};
        Tensor seed = Tensor.of(seedValues.clone(), 2, 2);
        y.backward(seed);
        assertArrayEquals(seedValues, seed.toDoubleArray(), 0.0);
        double[] g = new double[4];
        for (int i = 0; i < 4; i++) {
            g[i] = seedValues[i] * (3 + 2 * W[i]);
        }
        assertArrayEquals(g, w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void seedOfALeafOutputIsNeverWritten() {
        Tensor w = leaf();
        Tensor seed = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        w.backward(seed); // the leaf's grad is the seed itself
        w.backward(seed);
        w.backward(seed);
        assertArrayEquals(new double[] {1, 2, 3, 4}, seed.toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {3, 6, 9, 12}, w.grad().toDoubleArray(), 0.0);
    }

    @Test
    void retainGraphDoubleBackwardAndRetainedIntermediate() {
        Tensor w = leaf();
        Tensor h = w.mul(2.0).retainGrad();
        Tensor y = h.add(h).add(h.mul(h)).sum(); // dy/dh = 2 + 2h
        y.backward(null, true, false);
        Tensor hg = h.grad();
        double[] hgBefore = hg.toDoubleArray();
        y.backward(null, true, false);
        assertArrayEquals(hgBefore, hg.toDoubleArray(), 0.0, "an intermediate's grad the user holds must not change");
        double[] gw = new double[4];
        double[] gh = new double[4];
        for (int i = 0; i < 4; i++) {
            gh[i] = 2 * (2 + 4 * W[i]);
            gw[i] = 2 * gh[i];
        }
        assertArrayEquals(gh, h.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(gw, w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void createGraphGradientsStayDifferentiableAndUnchanged() {
        Tensor w = leaf();
        loss(w).backward(null, false, true);
        Tensor g = w.grad();
        assertTrue(g.requiresGrad());
        double[] before = g.toDoubleArray();
        loss(w).backward(null, false, true); // accumulates into a new recorded sum, not into g
        assertArrayEquals(before, g.toDoubleArray(), 0.0);
        Tensor g2 = w.grad();
        w.zeroGrad();
        g2.sum().backward(); // d/dw Σ 2(2w + 4) = 4
        assertArrayEquals(new double[] {4, 4, 4, 4}, w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void functionalGradientsWithFanOutAreIndependent() {
        Tensor x = Tensor.of(W.clone(), 2, 2);
        Tensor g1 = Functional.grad(ReverseBufferReuseTest::loss, x);
        double[] before = g1.toDoubleArray();
        Tensor g2 = Functional.grad(ReverseBufferReuseTest::loss, x);
        assertArrayEquals(expectedGrad(1), before, 1e-12);
        assertArrayEquals(before, g1.toDoubleArray(), 0.0);
        assertArrayEquals(before, g2.toDoubleArray(), 0.0);
    }

    @Test
    void float32AccumulatesAsOutOfPlaceWould() {
        Tensor w = Tensor.of(new float[] {0.1f, 1e-8f, 3.3f, -7.7f}, 4).requiresGrad(true);
        for (int k = 0; k < 4; k++) {
            w.mul(w).add(w).add(w.mul(3.0)).sum().backward();
        }
        float[] ws = {0.1f, 1e-8f, 3.3f, -7.7f};
        float[] expected = new float[4];
        for (int i = 0; i < 4; i++) {
            // The engine's order: per pass the cotangent sum, then grad += that sum.
            float perPass = (float) ((float) ((float) (1f * ws[i] + 1f * ws[i]) + 1f) + 3f);
            float acc = perPass;
            for (int k = 1; k < 4; k++) {
                acc = acc + perPass;
            }
            expected[i] = acc;
        }
        float[] got = w.grad().toFloatArray();
        for (int i = 0; i < 4; i++) {
            assertTrue(Math.abs(expected[i] - got[i]) <= Math.ulp(expected[i]) * 4, "entry " + i + ": " + got[i] + " vs " + expected[i]);
        }
    }
}
