package dev.jgrad.ops;

import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;
import dev.jgrad.tensor.Storage;

/**
 * Values of logsumexp, softmax and logSoftmax in one kernel pass per slice ({@link Kernels#softmax}):
 * max, Σ exp(x − max) and the result, in float64 (float lanes along float32 rows, within 3 ulp). The
 * reduced axes are moved last when they are not one run of neighbours (a copy), so any set of axes
 * becomes the kernel's [outer, len, inner].
 */
final class Softmaxes {
    private Softmaxes() {
    }

    /**
     * The value over the axes flagged in {@code mask} (softmax and logSoftmax: exactly one). For
     * LOG_SUM_EXP the result has the kept-dims shape {@code kept} reshaped by the caller; the
     * others have x's shape.
     */
    static NDArray value(Kernels.Softmax mode, NDArray x, boolean[] mask) {
        return value(mode, x, mask, null);
    }

    /**
     * logsumexp's reverse rule g·softmax(x) over the axes flagged in {@code mask} (one kernel call,
     * {@link Kernels#softmaxScaled}): g has the log-sum-exp's shape (kept dims or squeezed) and x's
     * dtype.
     */
    static NDArray scaledSoftmax(NDArray x, boolean[] mask, NDArray g) {
        return value(Kernels.Softmax.SOFTMAX, x, mask, g.toDoubleArray());
    }

    /** {@link #value}; SOFTMAX with {@code w} (one factor per slice, kept-dims row-major order) multiplies each slice by its factor. */
    private static NDArray value(Kernels.Softmax mode, NDArray x, boolean[] mask, double[] w) {
        int[] s = x.shapeRef();
        int first = -1;
        int last = -1;
        boolean run = true;
        for (int d = 0; d < s.length; d++) {
            if (mask[d]) {
                if (first < 0) {
                    first = d;
                } else if (last != d - 1) {
                    run = false;
                }
                last = d;
            }
        }
        if (first < 0) {
            // No axis reduced (a 0-d tensor): one slice of one element.
            first = s.length;
            last = s.length - 1;
        }
        if (!run) {
            // Reduced axes last, in order: a logsumexp over scattered axes.
            int[] perm = new int[s.length];
            int p = 0;
            for (int d = 0; d < s.length; d++) {
                if (!mask[d]) perm[p++] = d;
            }
            for (int d = 0; d < s.length; d++) {
                if (mask[d]) perm[p++] = d;
            }
            boolean[] moved = new boolean[s.length];
            for (int d = p - countTrue(mask); d < s.length; d++) {
                moved[d] = true;
            }
            NDArray v = value(mode, x.permute(perm).contiguous(), moved, w);
            return mode == Kernels.Softmax.LOG_SUM_EXP ? v : v.permute(inverse(perm));
        }
        boolean lse = mode == Kernels.Softmax.LOG_SUM_EXP;
        int[] shape = lse ? Shapes.reducedShape(s, mask, true) : s.clone();
        Storage out = Storage.allocateToOverwrite(x.dtype(), Shapes.numel(shape));
        if (Shapes.numel(s) == 0) {
            // Only empty slices (log-sum-exp −∞), or nothing to compute; the factors below could
            // each exceed an array's size (shape [0, 2147483647, 2147483647]).
            for (int i = 0; i < out.length(); i++) {
                out.set(i, Double.NEGATIVE_INFINITY);
            }
            return new NDArray(out, Layout.contiguous(shape));
        }
        NDArray c = x.contiguous();
        int outer = Shapes.numel(java.util.Arrays.copyOfRange(s, 0, first));
        int len = Shapes.numel(java.util.Arrays.copyOfRange(s, first, last + 1));
        int inner = Shapes.numel(java.util.Arrays.copyOfRange(s, last + 1, s.length));
        if (w == null) {
            Values.kernels().softmax(mode, c.storage(), c.layout().offset(), out, outer, len, inner);
        } else {
            Values.kernels().softmaxScaled(c.storage(), c.layout().offset(), w, out, outer, len, inner);
        }
        return new NDArray(out, Layout.contiguous(shape));
    }

    /**
     * Softmax's or logSoftmax's reverse rule along {@code axis} in one kernel call
     * ({@link Kernels#softmaxBackward}): y the op's output, g a cotangent of y's shape and dtype
     * (for SOFTMAX also a tangent: the same formula is its forward rule). A g of one value
     * ({@link Values#oneValue}: backward()'s seed of ones, a broadcast scalar) is read as that
     * value; any other layout is made contiguous first.
     */
    static NDArray backward(Kernels.Softmax mode, NDArray y, NDArray g, int axis) {
        int[] s = y.shapeRef();
        Storage out = Storage.allocateToOverwrite(y.dtype(), Shapes.numel(s));
        NDArray result = new NDArray(out, Layout.contiguous(s.clone()));
        if (out.length() == 0) {
            return result;
        }
        NDArray yc = y.contiguous();
        boolean constant = Values.oneValue(g);
        NDArray gc = constant ? g : g.contiguous();
        int outer = Shapes.numel(java.util.Arrays.copyOfRange(s, 0, axis));
        int inner = Shapes.numel(java.util.Arrays.copyOfRange(s, axis + 1, s.length));
        int len = s[axis];
        Values.kernels().softmaxBackward(mode, yc.storage(), yc.layout().offset(), gc.storage(), gc.layout().offset(),
                constant ? 0 : 1, out, outer, len, inner);
        return result;
    }

    private static int countTrue(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            if (b) n++;
        }
        return n;
    }

    private static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        return inv;
    }
}
