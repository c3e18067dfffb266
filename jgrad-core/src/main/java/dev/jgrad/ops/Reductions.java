package dev.jgrad.ops;

import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.Shapes;

/**
 * Reductions over one or several axes (none given = all axes), with keepDims. Sum is linear
 * (VJP = broadcast back); mean, var, std are composites; max/min, logsumexp and norm carry their
 * own rules.
 */
public final class Reductions {
    private Reductions() {
    }

    public static Tensor sum(Tensor x, int[] axes, boolean keepDims) {
        int[] s = x.shape();
        boolean[] mask = Shapes.axesMask("sum", axes, s);
        int[] kept = Shapes.reducedShape(s, mask, true);
        int[] axesCopy = axes == null ? null : axes.clone();
        Tensor[] inputs = {x};
        return Autograd.record("sum", Values.reduce(Kernels.Reduction.SUM, x.value(), mask, keepDims), inputs,
                (y, t) -> t[0].sum(axesCopy == null ? new int[0] : axesCopy, keepDims),
                (y, g) -> new Tensor[] {g.reshape(kept).broadcastTo(s)});
    }

    public static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        int[] s = x.shape();
        boolean[] mask = Shapes.axesMask("mean", axes, s);
        long count = 1;
        for (int d = 0; d < s.length; d++) {
            if (mask[d]) {
                count *= s[d];
            }
        }
        return sum(x, axes, keepDims).div((double) count);
    }

    public static Tensor max(Tensor x, int[] axes, boolean keepDims) {
        throw new UnsupportedOperationException("max: not implemented yet");
    }

    public static Tensor min(Tensor x, int[] axes, boolean keepDims) {
        throw new UnsupportedOperationException("min: not implemented yet");
    }

    public static Tensor logsumexp(Tensor x, int[] axes, boolean keepDims) {
        throw new UnsupportedOperationException("logsumexp: not implemented yet");
    }

    public static Tensor var(Tensor x, int[] axes, boolean keepDims, int correction) {
        throw new UnsupportedOperationException("var: not implemented yet");
    }

    public static Tensor std(Tensor x, int[] axes, boolean keepDims, int correction) {
        throw new UnsupportedOperationException("std: not implemented yet");
    }

    public static Tensor norm(Tensor x, int[] axes, boolean keepDims) {
        throw new UnsupportedOperationException("norm: not implemented yet");
    }

    public static Tensor argReduce(String op, boolean max, Tensor x, Integer axis, boolean keepDims) {
        throw new UnsupportedOperationException(op + ": not implemented yet");
    }
}
