package dev.jgrad.ops;

import dev.jgrad.Reduction;
import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.Shapes;

import static dev.jgrad.autograd.TensorAccess.value;

/** Softmax family and losses. */
public final class Losses {
    private Losses() {
    }

    /**
     * exp(x − logsumexp(x)) along {@code axis}: entries in [0, 1] summing to 1 along the axis,
     * computed in one kernel pass per slice ({@link Kernels#softmax}: double, or float lanes along
     * float32 rows, within 3 ulp). VJP y·(g − Σ g·y), JVP
     * y·(ẋ − Σ ẋ·y), sums along the axis: first-order rules in one kernel call (two passes over
     * each slice, {@link Kernels#softmaxBackward}), the tensor rules when they must be differentiable.
     */
    public static Tensor softmax(Tensor x, int axis) {
        int d = Shapes.axis("softmax", axis, x.shape());
        boolean[] mask = Reductions.reductionMask("softmax", new int[] {d}, x.shape());
        int[] ax = {d};
        return Autograd.record("softmax", Softmaxes.value(Kernels.Softmax.SOFTMAX, value(x), mask), new Tensor[] {x},
                (y, t) -> fused(y, t[0], true)
                        ? Autograd.constant(Softmaxes.backward(Kernels.Softmax.SOFTMAX, value(y), value(t[0]), d))
                        : y.mul(t[0].sub(t[0].mul(y).sum(ax, true))),
                (y, g) -> new Tensor[] {fused(y, g, false)
                        ? Autograd.constant(Softmaxes.backward(Kernels.Softmax.SOFTMAX, value(y), value(g), d))
                        : y.mul(g.sub(g.mul(y).sum(ax, true)))});
    }

    /**
     * x − logsumexp(x) along {@code axis}, without forming the (possibly underflowing) softmax;
     * computed as {@link #softmax}. VJP g − exp(y)·Σ g (first order in one kernel call, as softmax's),
     * JVP ẋ − Σ exp(y)·ẋ.
     */
    public static Tensor logSoftmax(Tensor x, int axis) {
        int d = Shapes.axis("logSoftmax", axis, x.shape());
        boolean[] mask = Reductions.reductionMask("logSoftmax", new int[] {d}, x.shape());
        int[] ax = {d};
        return Autograd.record("logSoftmax", Softmaxes.value(Kernels.Softmax.LOG_SOFTMAX, value(x), mask), new Tensor[] {x},
                (y, t) -> t[0].sub(y.exp().mul(t[0]).sum(ax, true)),
                (y, g) -> new Tensor[] {fused(y, g, false)
                        ? Autograd.constant(Softmaxes.backward(Kernels.Softmax.LOG_SOFTMAX, value(y), value(g), d))
                        : g.sub(y.exp().mul(g.sum(ax, true)))});
    }

    /**
     * Whether a softmax-family rule may run as one kernel ({@link Softmaxes#backward}) on raw
     * values: same dtype and shape, and nothing could differentiate the rule's own computation
     * (a forward rule: {@link Autograd#inertForTangent}; a reverse rule:
     * {@link Autograd#plainValues}). Otherwise the tensor rule keeps higher orders working.
     */
    private static boolean fused(Tensor y, Tensor v, boolean tangent) {
        return y.dtype() == v.dtype() && java.util.Arrays.equals(y.shape(), v.shape())
                && (tangent ? Autograd.inertForTangent(y, v) : Autograd.plainValues(y, v));
    }

    /**
     * −log softmax(logits)[label] per sample: logits [N, C] with N labels, or [C] with one label;
     * labels in [0, C). MEAN averages over the N samples, NONE gives shape [N] (0-d for [C]).
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels, Reduction reduction) {
        int[] s = logits.shape();
        checkReduction("crossEntropy", reduction, s);
        if (s.length != 1 && s.length != 2) {
            throw new IllegalArgumentException("crossEntropy: logits must have shape [N, C] or [C], got shape "
                    + Shapes.str(s));
        }
        if (labels == null) {
            throw new IllegalArgumentException("crossEntropy: labels must not be null (logits shape " + Shapes.str(s) + ")");
        }
        int samples = s.length == 2 ? s[0] : 1;
        int classes = s[s.length - 1];
        if (labels.length != samples) {
            throw new IllegalArgumentException("crossEntropy: logits of shape " + Shapes.str(s) + " need " + samples
                    + " label(s), got " + labels.length);
        }
        int[] lab = labels.clone();
        for (int i = 0; i < samples; i++) {
            if (lab[i] < 0 || lab[i] >= classes) {
                throw new IllegalArgumentException("crossEntropy: label at index " + i + " has value " + lab[i]
                        + ", outside [0, " + classes + ") for logits of shape " + Shapes.str(s));
            }
        }
        return CrossEntropy.apply(logits, lab, samples, classes, reduction);
    }

    /** (x − target)² element-wise (shapes broadcast), then reduced. */
    public static Tensor mse(Tensor x, Tensor target, Reduction reduction) {
        checkReduction("mse", reduction, x.shape());
        Shapes.broadcast("mse", x.shape(), target.shape());
        return reduce(x.sub(target).square(), reduction);
    }

    /**
     * max(x, 0) − x·y + log(1 + e^−|x|) element-wise, i.e. −[y·log σ(x) + (1 − y)·log(1 − σ(x))]
     * computed without overflow; shapes broadcast. Own rules, because the stable formula's kinks
     * at x = 0 cancel only in exact arithmetic: ∂/∂x = σ(x) − y, ∂/∂y = −x.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor target, Reduction reduction) {
        String op = "binaryCrossEntropyWithLogits";
        checkReduction(op, reduction, x.shape());
        Tensor[] inputs = {x, target};
        Tensor perElement = Autograd.record(op,
                Values.zip(op, (v, y) -> Math.max(v, 0.0) - v * y + Math.log1p(Math.exp(-Math.abs(v))),
                        value(x), value(target)),
                inputs,
                (out, t) -> t[0].mul(x.sigmoid().sub(target)).sub(t[1].mul(x)),
                (out, g) -> new Tensor[] {
                    x.requiresGrad() ? ShapeOps.sumTo(g.mul(x.sigmoid().sub(target)), x.shape()) : null,
                    target.requiresGrad() ? ShapeOps.sumTo(g.mul(x).neg(), target.shape()) : null});
        return reduce(perElement, reduction);
    }

    private static void checkReduction(String op, Reduction reduction, int[] shape) {
        if (reduction == null) {
            throw new IllegalArgumentException(op + ": reduction must not be null (input shape " + Shapes.str(shape)
                    + "; use Reduction.NONE for none)");
        }
    }

    static Tensor reduce(Tensor perElement, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case NONE -> perElement;
        };
    }
}
