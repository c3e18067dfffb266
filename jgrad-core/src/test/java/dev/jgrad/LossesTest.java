package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static dev.jgrad.ReductionsTest.assertClose;
import static dev.jgrad.ReductionsTest.assertRefused;
import static dev.jgrad.ReductionsTest.checkAllModes;
import static dev.jgrad.ReductionsTest.checkForward;
import static dev.jgrad.ReductionsTest.checkReverse;
import static dev.jgrad.ReductionsTest.checkSecondOrder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Softmax family and losses against plain loops and finite differences. */
class LossesTest {
    private static final int[] LABELS = {2, 0, 4};

    /** Plain-loop log-softmax of each row of a row-major [rows, cols] array. */
    private static double[] refLogSoftmaxRows(double[] x, int rows, int cols) {
        double[] out = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                m = Math.max(m, x[r * cols + c]);
            }
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += Math.exp(x[r * cols + c] - m);
            }
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = x[r * cols + c] - m - Math.log(s);
            }
        }
        return out;
    }

    private static double[] refCrossEntropyPerSample(double[] logits, int[] labels, int cols) {
        double[] logp = refLogSoftmaxRows(logits, labels.length, cols);
        double[] out = new double[labels.length];
        for (int r = 0; r < labels.length; r++) {
            out[r] = -logp[r * cols + labels[r]];
        }
        return out;
    }

    // ------------------------------------------------------------------ softmax

    @Test
    void softmaxAndLogSoftmaxMatchPlainLoops() {
        Tensor x = Tensor.randn(1, 3, 5).mul(4);
        double[] logp = refLogSoftmaxRows(x.toDoubleArray(), 3, 5);
        assertClose(logp, x.logSoftmax(1).toDoubleArray(), 1e-13, "logSoftmax");
        assertClose(logp, x.logSoftmax(-1).toDoubleArray(), 1e-13, "logSoftmax, negative axis");
        double[] p = x.softmax(-1).toDoubleArray();
        for (int i = 0; i < p.length; i++) {
            assertEquals(Math.exp(logp[i]), p[i], 1e-14);
        }
        double[] colLogp = refLogSoftmaxRows(x.transpose(0, 1).contiguous().toDoubleArray(), 5, 3);
        assertClose(colLogp, x.logSoftmax(0).transpose(0, 1).contiguous().toDoubleArray(), 1e-13, "axis 0");
    }

    @Test
    void softmaxIsStableForHugeLogits() {
        double[] p = Tensor.of(1000, 1000, -1000).softmax(0).toDoubleArray();
        assertArrayEquals(new double[] {0.5, 0.5, 0}, p, 1e-12);
        assertEquals(-2000 - Math.log(2), Tensor.of(1000, 1000, -1000).logSoftmax(0).get(2), 1e-9);
        Tensor x32 = Tensor.of(new float[] {1, 2, 3}, 3);
        assertEquals(DType.FLOAT32, x32.softmax(0).dtype());
    }

    @Test
    void softmaxGradientsIncludingSecondOrder() {
        Tensor x = Tensor.randn(2, 3, 4);
        checkAllModes(t -> t.softmax(1), x, true);
        checkAllModes(t -> t.softmax(0), x, true);
        checkAllModes(t -> t.logSoftmax(-1), x, true);
    }

    // ------------------------------------------------------------------ cross-entropy

    @Test
    void crossEntropyValuesForEveryReduction() {
        Tensor logits = Tensor.randn(3, 3, 5);
        double[] per = refCrossEntropyPerSample(logits.toDoubleArray(), LABELS, 5);
        double sum = per[0] + per[1] + per[2];
        assertClose(per, logits.crossEntropy(LABELS, Reduction.NONE).toDoubleArray(), 1e-13, "none");
        assertArrayEquals(new int[] {3}, logits.crossEntropy(LABELS, Reduction.NONE).shape());
        assertEquals(sum, logits.crossEntropy(LABELS, Reduction.SUM).item(), 1e-13);
        Tensor mean = logits.crossEntropy(LABELS);
        assertEquals(0, mean.ndim());
        assertEquals(sum / 3, mean.item(), 1e-13);

        Tensor single = Tensor.of(0.5, -1, 2);
        double[] one = refCrossEntropyPerSample(single.toDoubleArray(), new int[] {1}, 3);
        for (Reduction r : Reduction.values()) {
            Tensor y = single.crossEntropy(new int[] {1}, r);
            assertEquals(0, y.ndim(), r.name());
            assertEquals(one[0], y.item(), 1e-14, r.name());
        }
        Tensor l32 = logits.to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, l32.crossEntropy(LABELS).dtype());
        assertEquals(sum / 3, l32.crossEntropy(LABELS).item(), 1e-5);
    }

    @Test
    void crossEntropyOfAnEmptyBatch() {
        // As PyTorch: the mean of no losses is NaN, their sum 0; the gradient is empty.
        Tensor logits = Tensor.zeros(0, 4).requiresGrad(true);
        assertTrue(Double.isNaN(logits.crossEntropy(new int[0], Reduction.MEAN).item()));
        assertEquals(0.0, logits.crossEntropy(new int[0], Reduction.SUM).item());
        assertArrayEquals(new int[] {0}, logits.crossEntropy(new int[0], Reduction.NONE).shape());
        logits.crossEntropy(new int[0], Reduction.SUM).backward();
        assertArrayEquals(new int[] {0, 4}, logits.grad().shape());
    }

    @Test
    void crossEntropyOfInfiniteAndNaNLogits() {
        // A +inf logit: the loss of another label is +inf, of its own NaN (inf - inf); NaN spreads.
        Tensor logits = Tensor.of(new double[][] {{Double.POSITIVE_INFINITY, 0, 1}, {0, Double.NaN, 1}});
        double[] none = logits.crossEntropy(new int[] {1, 2}, Reduction.NONE).toDoubleArray();
        assertEquals(Double.POSITIVE_INFINITY, none[0]);
        assertTrue(Double.isNaN(none[1]));
        assertTrue(Double.isNaN(Tensor.of(Double.POSITIVE_INFINITY, 0).crossEntropy(0).item()));
    }

    @Test
    void crossEntropyIgnoresMinusInfinityLogitsOfOtherClasses() {
        Tensor logits = Tensor.of(new double[][] {{0, Double.NEGATIVE_INFINITY, 0}}).requiresGrad(true);
        Tensor loss = logits.crossEntropy(0);
        assertEquals(Math.log(2), loss.item(), 1e-15);
        loss.backward();
        assertArrayEquals(new double[] {-0.5, 0, 0.5}, logits.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void crossEntropyGradientIsSoftmaxMinusOneHotOverN() {
        Tensor logits = Tensor.randn(4, 3, 5).requiresGrad(true);
        logits.crossEntropy(LABELS).backward();
        double[] p = logits.detach().softmax(1).toDoubleArray();
        for (int r = 0; r < 3; r++) {
            p[r * 5 + LABELS[r]] -= 1;
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= 3;
        }
        assertClose(p, logits.grad().toDoubleArray(), 1e-14, "closed form");
    }

    @Test
    void crossEntropyGradientsIncludingSecondOrder() {
        Tensor logits = Tensor.randn(5, 3, 5);
        for (Reduction r : Reduction.values()) {
            checkAllModes(t -> t.crossEntropy(LABELS, r), logits, true);
        }
        checkAllModes(t -> t.crossEntropy(new int[] {3}, Reduction.MEAN), Tensor.randn(6, 5), true);
    }

    @Test
    void crossEntropyRefusesBadLabels() {
        Tensor logits = Tensor.zeros(2, 3);
        assertRefused(() -> logits.crossEntropy(0, 3), "crossEntropy", "[2, 3]", "index 1", "value 3");
        assertRefused(() -> logits.crossEntropy(-1, 0), "crossEntropy", "[2, 3]", "index 0", "value -1");
        assertRefused(() -> logits.crossEntropy(0, 1, 2), "crossEntropy", "[2, 3]", "got 3");
        assertRefused(() -> Tensor.zeros(3).crossEntropy(0, 1), "crossEntropy", "[3]", "got 2");
        assertRefused(() -> Tensor.zeros(2, 3, 4).crossEntropy(0, 1), "crossEntropy", "[2, 3, 4]");
        assertRefused(() -> logits.crossEntropy(null, Reduction.MEAN), "crossEntropy", "[2, 3]", "null");
    }

    // ------------------------------------------------------------------ mse

    @Test
    void mseValuesWithBroadcastAndEveryReduction() {
        Tensor x = Tensor.randn(7, 2, 3);
        Tensor target = Tensor.randn(8, 3);
        double[] xs = x.toDoubleArray();
        double[] ts = target.toDoubleArray();
        double[] sq = new double[6];
        double sum = 0;
        for (int i = 0; i < 6; i++) {
            sq[i] = (xs[i] - ts[i % 3]) * (xs[i] - ts[i % 3]);
            sum += sq[i];
        }
        assertClose(sq, x.mse(target, Reduction.NONE).toDoubleArray(), 1e-15, "none");
        assertArrayEquals(new int[] {2, 3}, x.mse(target, Reduction.NONE).shape());
        assertEquals(sum, x.mse(target, Reduction.SUM).item(), 1e-14);
        assertEquals(sum / 6, x.mse(target).item(), 1e-14);
        assertEquals(DType.FLOAT32, x.to(DType.FLOAT32).mse(target.to(DType.FLOAT32)).dtype());
    }

    @Test
    void mseGradientsForBothInputs() {
        Function<Tensor[], Tensor> f = xs -> xs[0].mse(xs[1]);
        Tensor x = Tensor.randn(9, 2, 3);
        Tensor target = Tensor.randn(10, 3);
        checkReverse(f, x, target);
        checkForward(f, x, target);
        checkSecondOrder(f, x, target);
    }

    @Test
    void mseRefusesIncompatibleShapes() {
        assertRefused(() -> Tensor.zeros(2, 3).mse(Tensor.zeros(4)), "mse", "[2, 3]", "[4]");
        assertRefused(() -> Tensor.zeros(2, 3).mse(Tensor.zeros(3, 2), Reduction.SUM), "mse", "[2, 3]", "[3, 2]");
        assertRefused(() -> Tensor.zeros(2, 3).mse(Tensor.zeros(3), null), "mse", "[2, 3]", "null");
    }

    // ------------------------------------------------------------------ binary cross-entropy with logits

    @Test
    void binaryCrossEntropyValuesMatchTheDefinition() {
        Tensor x = Tensor.of(-40, -2, 0, 0.5, 3, 40);
        Tensor y = Tensor.of(0, 1, 0.5, 1, 0.25, 1);
        double[] xs = x.toDoubleArray();
        double[] ys = y.toDoubleArray();
        double[] expected = new double[6];
        double sum = 0;
        for (int i = 0; i < 6; i++) {
            // −[y log σ + (1 − y) log(1 − σ)] with log σ(x) = −log(1 + e^−x) and log(1 − σ(x)) = −log(1 + e^x).
            expected[i] = ys[i] * Math.log1p(Math.exp(-xs[i])) + (1 - ys[i]) * Math.log1p(Math.exp(xs[i]));
            sum += expected[i];
        }
        assertClose(expected, x.binaryCrossEntropyWithLogits(y, Reduction.NONE).toDoubleArray(), 1e-14, "none");
        assertEquals(sum, x.binaryCrossEntropyWithLogits(y, Reduction.SUM).item(), 1e-13);
        assertEquals(sum / 6, x.binaryCrossEntropyWithLogits(y).item(), 1e-13);
        Tensor x32 = x.to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, x32.binaryCrossEntropyWithLogits(y.to(DType.FLOAT32)).dtype());
        assertEquals(DType.FLOAT64, x32.binaryCrossEntropyWithLogits(y).dtype(), "promoted");
    }

    @Test
    void binaryCrossEntropyGradientAtZeroIsSigmoidMinusTarget() {
        Tensor x = Tensor.zeros(3).requiresGrad(true);
        Tensor y = Tensor.of(0, 0.25, 1).requiresGrad(true);
        x.binaryCrossEntropyWithLogits(y, Reduction.SUM).backward();
        assertArrayEquals(new double[] {0.5, 0.25, -0.5}, x.grad().toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {0, 0, 0}, y.grad().toDoubleArray(), 0.0);
        ForwardTag tag = new ForwardTag();
        Tensor seeded = Tensor.zeros(3);
        Autograd.seedTangent(seeded, tag, Tensor.of(1, 2, 4));
        Tensor t = Autograd.tangentOf(seeded.binaryCrossEntropyWithLogits(Tensor.of(0, 0.25, 1), Reduction.SUM), tag);
        tag.close();
        assertEquals(0.5 + 0.5 - 2, t.item(), 0.0);
    }

    @Test
    void binaryCrossEntropyGradientsWithBroadcast() {
        Tensor x = Tensor.randn(11, 2, 3);
        Tensor y = Tensor.rand(12, 3);
        for (Reduction r : Reduction.values()) {
            Function<Tensor[], Tensor> f = xs -> xs[0].binaryCrossEntropyWithLogits(xs[1], r);
            checkReverse(f, x, y);
            checkForward(f, x, y);
            checkSecondOrder(f, x, y);
            checkReverse(f, y.reshape(1, 3), x);
        }
    }

    @Test
    void binaryCrossEntropyRefusesIncompatibleShapes() {
        String op = "binaryCrossEntropyWithLogits";
        assertRefused(() -> Tensor.zeros(2, 3).binaryCrossEntropyWithLogits(Tensor.zeros(2)), op, "[2, 3]", "[2]");
        assertRefused(() -> Tensor.zeros(4).binaryCrossEntropyWithLogits(Tensor.zeros(3, 5)), op, "[4]", "[3, 5]");
        assertRefused(() -> Tensor.zeros(4).binaryCrossEntropyWithLogits(Tensor.zeros(4), null), op, "[4]", "null");
        assertTrue(Tensor.zeros(4).binaryCrossEntropyWithLogits(Tensor.zeros(4)).item() > 0);
    }

    @Test
    void softmaxRefusesBadAxis() {
        assertRefused(() -> Tensor.zeros(2, 3).softmax(2), "softmax", "[2, 3]", "2");
        assertRefused(() -> Tensor.zeros(2, 3).logSoftmax(-3), "logSoftmax", "[2, 3]", "-3");
    }
}
