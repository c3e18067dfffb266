package dev.jgrad.ops;

import dev.jgrad.DType;
import dev.jgrad.Reduction;
import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.kernels.UnaryFn;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Storage;

import static dev.jgrad.autograd.TensorAccess.value;

/**
 * Softmax cross-entropy as one op: loss_i = logsumexp(x_i) − x_i[label_i], computed per row in
 * double and rounded to the logits' dtype once. Its own rules: the gradient with respect to row i
 * is g_i·(softmax(x_i) − onehot(label_i)) (divided by N for MEAN), and the tangent of loss_i is
 * Σ_j (softmax(x_i)_j − onehot_j)·ẋ_ij. A plain backward (no createGraph, no tangents) computes
 * the gradient in one pass from the row log-sum-exps saved by the forward; otherwise the rules are
 * tensor expressions (softmax is logsumexp's), so higher orders work.
 */
final class CrossEntropy {
    private CrossEntropy() {
    }

    /** Checked labels, owned by the op: {@code samples} rows of {@code classes} logits, labels in [0, classes). */
    static Tensor apply(Tensor logits, int[] lab, int samples, int classes, Reduction reduction) {
        double[] x = value(logits).toDoubleArray();
        double[] lse = rowLogSumExp(x, samples, classes);
        double[] perSample = new double[samples];
        for (int i = 0; i < samples; i++) {
            perSample[i] = lse[i] - x[i * classes + lab[i]];
        }
        int[] perShape = logits.ndim() == 2 ? new int[] {samples} : new int[0];
        NDArray value = switch (reduction) {
            case NONE -> NDArray.wrap(perSample, perShape);
            case SUM -> NDArray.wrap(new double[] {total(perSample)}, new int[0]);
            case MEAN -> NDArray.wrap(new double[] {total(perSample) / samples}, new int[0]);
        };
        Tensor[] inputs = {logits};
        return Autograd.record("crossEntropy", value.to(logits.dtype()), inputs,
                (y, t) -> {
                    Tensor perRow = softmaxMinusOneHot(logits, lab, classes).mul(t[0]).sum(-1);
                    return Losses.reduce(perRow, reduction);
                },
                (y, g) -> {
                    if (Autograd.plainValues(logits, g)) {
                        return new Tensor[] {Autograd.constant(plainGradient(logits, g, lab, lse, samples, classes, reduction))};
                    }
                    Tensor scale = reduction == Reduction.NONE && logits.ndim() == 2 ? g.unsqueeze(-1) : g;
                    if (reduction == Reduction.MEAN) {
                        scale = scale.div((double) samples);
                    }
                    return new Tensor[] {softmaxMinusOneHot(logits, lab, classes).mul(scale)};
                });
    }

    /** g·(softmax − onehot) per row, scaled by 1/N for MEAN, in the logits' dtype. */
    private static NDArray plainGradient(Tensor logits, Tensor g, int[] lab, double[] lse, int samples, int classes,
                                         Reduction reduction) {
        double[] gv = value(g).toDoubleArray();
        double[] d = value(logits).toDoubleArray();
        for (int i = 0; i < samples; i++) {
            for (int j = i * classes, end = j + classes; j < end; j++) {
                d[j] -= lse[i];
            }
        }
        double[] p = exp(d);
        for (int i = 0; i < samples; i++) {
            double s = reduction == Reduction.NONE ? gv[i] : gv[0];
            if (reduction == Reduction.MEAN) {
                s /= samples;
            }
            int row = i * classes;
            p[row + lab[i]] -= 1.0;
            for (int j = row, end = row + classes; j < end; j++) {
                p[j] *= s;
            }
        }
        return NDArray.wrap(p, logits.shape()).to(logits.dtype());
    }

    /**
     * log Σ_j exp(x_ij) per row, shifted by the row maximum so nothing overflows; an infinite maximum
     * shifts by 0 instead (inf − inf would be NaN), so a row with a +inf logit gives +inf and a row
     * of −inf gives −inf — the same rule as {@link Reductions#logsumexp}, whose kernel-by-kernel
     * value path (max, broadcast subtract, exp, sum, log, add) costs several passes and allocations
     * more for a batch of logits. The exponentials run through the vector kernels.
     */
    private static double[] rowLogSumExp(double[] x, int samples, int classes) {
        double[] shift = new double[samples];
        double[] d = new double[x.length];
        for (int i = 0; i < samples; i++) {
            int row = i * classes;
            double m = Double.NEGATIVE_INFINITY;
            for (int j = row; j < row + classes; j++) {
                m = Math.max(m, x[j]);
            }
            shift[i] = Double.isInfinite(m) ? 0.0 : m;
            for (int j = row; j < row + classes; j++) {
                d[j] = x[j] - shift[i];
            }
        }
        double[] e = exp(d);
        double[] lse = new double[samples];
        for (int i = 0; i < samples; i++) {
            double s = 0;
            for (int j = i * classes, end = j + classes; j < end; j++) {
                s += e[j];
            }
            lse[i] = Math.log(s) + shift[i];
        }
        return lse;
    }

    private static double[] exp(double[] d) {
        double[] e = new double[d.length];
        Values.kernels().mapRange(UnaryFn.of(UnaryFn.Kind.EXP), new Storage.F64(d), 0, new Storage.F64(e), 0, d.length);
        return e;
    }

    private static double total(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    /** softmax(logits) − onehot(labels) as a differentiable tensor expression: the rules' common factor. */
    private static Tensor softmaxMinusOneHot(Tensor logits, int[] lab, int classes) {
        double[] h = new double[logits.numel()];
        for (int i = 0; i < lab.length; i++) {
            h[i * classes + lab[i]] = 1.0;
        }
        return Losses.softmax(logits, -1).sub(Tensor.of(h, logits.shape()).to(logits.dtype()));
    }
}
