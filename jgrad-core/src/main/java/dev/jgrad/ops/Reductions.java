package dev.jgrad.ops;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.UnaryFn;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;
import dev.jgrad.tensor.Storage;

import java.util.Arrays;

import static dev.jgrad.autograd.TensorAccess.value;

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
        boolean[] mask = reductionMask("sum", axes, s);
        int[] kept = Shapes.reducedShape(s, mask, true);
        int[] axesCopy = axes == null ? null : axes.clone();
        Tensor[] inputs = {x};
        return Autograd.record("sum", Values.reduce(Kernels.Reduction.SUM, value(x), mask, keepDims), inputs,
                (y, t) -> t[0].sum(axesCopy == null ? new int[0] : axesCopy, keepDims),
                (y, g) -> new Tensor[] {g.reshape(kept).broadcastTo(s)});
    }

    public static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        int[] s = x.shape();
        boolean[] mask = reductionMask("mean", axes, s);
        return sum(x, axes, keepDims).div((double) reducedCount(s, mask));
    }

    /**
     * The axes mask of a reduction, refusing results too large for one array (possible when a
     * reduced axis is empty, e.g. summing shape [0, 2147483647] over axis 0).
     */
    static boolean[] reductionMask(String op, int[] axes, int[] shape) {
        boolean[] mask = Shapes.axesMask(op, axes, shape);
        try {
            Shapes.numel(Shapes.reducedShape(shape, mask, true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": reducing shape " + Shapes.str(shape) + " over axes "
                    + (axes == null ? "all" : Arrays.toString(axes)) + " is refused: the result " + e.getMessage(), e);
        }
        return mask;
    }

    /** Number of elements folded into each output element. */
    private static long reducedCount(int[] shape, boolean[] mask) {
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                count *= shape[d];
            }
        }
        return count;
    }

    public static Tensor max(Tensor x, int[] axes, boolean keepDims) {
        return extremum("max", Kernels.Reduction.MAX, x, axes, keepDims);
    }

    public static Tensor min(Tensor x, int[] axes, boolean keepDims) {
        return extremum("min", Kernels.Reduction.MIN, x, axes, keepDims);
    }

    /**
     * Max or min over axes. Ties share the gradient evenly: each element attaining the extreme gets
     * the share mask/count, a constant, so VJP = ḡ·share and JVP = Σ share·ẋ. The VJP on raw values
     * over one run of axes is one kernel call ({@link Kernels#extremumBackward}, the same values).
     */
    private static Tensor extremum(String op, Kernels.Reduction kind, Tensor x, int[] axes, boolean keepDims) {
        int[] s = x.shape();
        boolean[] mask = Shapes.axesMask(op, axes, s);
        for (int d = 0; d < s.length; d++) {
            if (mask[d] && s[d] == 0) {
                throw new IllegalArgumentException(op + ": cannot reduce over axis " + d + " of size 0 in shape "
                        + Shapes.str(s) + " (an empty reduction has no " + op + "imum)");
            }
        }
        int[] kept = Shapes.reducedShape(s, mask, true);
        int[] sumAxes = axesArg(axes);
        Tensor[] inputs = {x};
        return Autograd.record(op, Values.reduce(kind, value(x), mask, keepDims), inputs,
                (y, t) -> t[0].mul(tieShare(x, y, kept, sumAxes)).sum(sumAxes, keepDims),
                // First order on raw values: one kernel call; the tensor rule otherwise (same values).
                (y, g) -> new Tensor[] {g.dtype() == x.dtype() && Autograd.plainValues(x, g) && axesRun(mask) >= 0
                        ? Autograd.constant(extremumGradient(value(x), value(y), value(g).reshape(kept), mask))
                        : g.reshape(kept).broadcastTo(s).mul(tieShare(x, y, kept, sumAxes))});
    }

    /** The first reduced axis when the reduced axes are one run of neighbours (all of them for a 0-d x), else −1. */
    private static int axesRun(boolean[] mask) {
        int first = -1;
        for (int d = 0; d < mask.length; d++) {
            if (mask[d] && first < 0) {
                first = d;
            } else if (mask[d] && !mask[d - 1]) {
                return -1;
            }
        }
        return first < 0 ? mask.length : first;
    }

    /**
     * {@link Kernels#extremumBackward} for x (any layout), y its extremes and g their cotangent in
     * the kept shape; reduced axes one run ({@link #axesRun}). A g of one value
     * ({@link Values#oneValue}) is read as that value.
     */
    private static NDArray extremumGradient(NDArray x, NDArray y, NDArray g, boolean[] mask) {
        int[] s = x.shapeRef();
        Storage out = Storage.allocate(x.dtype(), Shapes.numel(s));
        if (out.length() == 0) {
            return new NDArray(out, Layout.contiguous(s.clone()));
        }
        int first = axesRun(mask);
        int last = first;
        while (last < s.length && mask[last]) {
            last++;
        }
        boolean constant = Values.oneValue(g);
        NDArray xc = x.contiguous();
        NDArray yc = y.contiguous();
        NDArray gc = constant ? g : g.contiguous();
        int outer = Shapes.numel(Arrays.copyOfRange(s, 0, first));
        int len = Shapes.numel(Arrays.copyOfRange(s, first, last));
        int inner = Shapes.numel(Arrays.copyOfRange(s, last, s.length));
        Values.kernels().extremumBackward(xc.storage(), xc.layout().offset(), yc.storage(), yc.layout().offset(),
                gc.storage(), gc.layout().offset(), constant ? 0 : 1, out, outer, len, inner);
        return new NDArray(out, Layout.contiguous(s.clone()));
    }

    /** 1/count where x equals the reduced extreme (count = ties in its slice), 0 elsewhere; constant. */
    private static Tensor tieShare(Tensor x, Tensor y, int[] kept, int[] sumAxes) {
        Tensor hits = x.detach().eq(y.detach().reshape(kept));
        return hits.div(hits.sum(sumAxes, true));
    }

    /** The axes argument for a follow-up reduction (empty = all axes, as the caller meant null). */
    private static int[] axesArg(int[] axes) {
        return axes == null ? new int[0] : axes.clone();
    }

    /**
     * log Σ exp(x) over axes, shifted by the slice maximum m (m + log Σ exp(x − m)) so it neither
     * overflows nor underflows; slices that are all −inf give −inf, any +inf gives +inf.
     * VJP = ḡ·softmax(x) with softmax = exp(x − out); JVP = Σ softmax·ẋ.
     */
    public static Tensor logsumexp(Tensor x, int[] axes, boolean keepDims) {
        int[] s = x.shape();
        boolean[] mask = reductionMask("logsumexp", axes, s);
        int[] kept = Shapes.reducedShape(s, mask, true);
        int[] sumAxes = axesArg(axes);
        // One kernel pass per slice, in double (float lanes along float32 rows: within 3 ulp of max(|value|, 1)).
        NDArray lse = Softmaxes.value(Kernels.Softmax.LOG_SUM_EXP, value(x), mask);
        NDArray value = lse.reshape(keepDims ? kept : Shapes.reducedShape(s, mask, false));
        Tensor[] inputs = {x};
        return Autograd.record("logsumexp", value, inputs,
                (y, t) -> x.sub(y.reshape(kept)).exp().mul(t[0]).sum(sumAxes, keepDims),
                // First order: g·softmax(x) in one kernel call; the tensor rule keeps higher orders.
                (y, g) -> new Tensor[] {g.dtype() == x.dtype() && Autograd.plainValues(x, g)
                        ? Autograd.constant(Softmaxes.scaledSoftmax(value(x), mask, value(g)))
                        : g.reshape(kept).broadcastTo(s).mul(x.sub(y.reshape(kept)).exp())});
    }

    /**
     * Σ(x − mean)² / (N − correction) over axes, N the number of elements reduced. A divisor
     * N − correction ≤ 0 gives inf or NaN (as PyTorch), not an error.
     */
    public static Tensor var(Tensor x, int[] axes, boolean keepDims, int correction) {
        int[] s = x.shape();
        boolean[] mask = reductionMask("var", axes, s);
        double divisor = Math.max(0L, reducedCount(s, mask) - (long) correction);
        Tensor centred = x.sub(mean(x, axes, true));
        return centred.square().sum(axesArg(axes), keepDims).div(divisor);
    }

    /** √var. */
    public static Tensor std(Tensor x, int[] axes, boolean keepDims, int correction) {
        reductionMask("std", axes, x.shape());
        return var(x, axes, keepDims, correction).sqrt();
    }

    /**
     * Euclidean norm √Σx² over axes, computed scaled by the largest |x| so squares cannot overflow.
     * Its gradient x/‖x‖ is taken as 0 where the norm is 0 (a subgradient), never NaN.
     */
    public static Tensor norm(Tensor x, int[] axes, boolean keepDims) {
        int[] s = x.shape();
        boolean[] mask = reductionMask("norm", axes, s);
        int[] kept = Shapes.reducedShape(s, mask, true);
        int[] sumAxes = axesArg(axes);
        NDArray norms = sumOfSquaresNorm(value(x), mask);
        if (norms == null) {
            NDArray x64 = value(x).to(DType.FLOAT64);
            NDArray largest = Values.reduce(Kernels.Reduction.MAX, Values.map(Math::abs, x64), mask, true);
            // Scale 1 where the largest is 0 or not finite: nothing to rescale, and inf/NaN must pass through.
            NDArray scale = Values.map(v -> v > 0 && Double.isFinite(v) ? v : 1.0, largest);
            NDArray squares = Values.zip("norm", (v, c) -> (v / c) * (v / c), x64, scale);
            NDArray sums = Values.reduce(Kernels.Reduction.SUM, squares, mask, true);
            norms = Values.zip("norm", (v, c) -> Math.sqrt(v) * c, sums, scale);
        }
        NDArray value = norms.to(x.dtype()).reshape(keepDims ? kept : Shapes.reducedShape(s, mask, false));
        Tensor[] inputs = {x};
        return Autograd.record("norm", value, inputs,
                (y, t) -> divOrZero(x.mul(t[0]).sum(sumAxes, keepDims), y),
                // x·(g/‖x‖) with the factor formed per slice first: one pass over x instead of three.
                (y, g) -> new Tensor[] {x.mul(divOrZero(g.reshape(kept), y.reshape(kept)))});
    }

    /**
     * √Σx² over the axes in one reduction pass (Kernels.Reduction.SUM_OF_SQUARES: each square and
     * the sum in double, the sum stored in x's dtype, then the square root), or null when a slice's
     * sum of squares overflowed, is NaN, or is small enough to have lost digits (float64: below
     * 2⁻⁹⁶⁰, where squares may have underflowed; float32: below the smallest normal float; 0
     * included): those take the rescaled path, which divides by the largest |x| first.
     */
    private static NDArray sumOfSquaresNorm(NDArray x, boolean[] mask) {
        // The SIMD reduction reads contiguous data: a permuted or sliced view is copied once rather
        // than walked per element; a broadcast is left for the reduction to fold (no copies made).
        NDArray c = x;
        if (!x.isDeferred() && !x.isContiguous()) {
            boolean broadcast = false;
            for (int stride : x.layout().strides()) {
                broadcast |= stride == 0;
            }
            c = broadcast ? x : x.contiguous();
        }
        NDArray sums = Values.reduce(Kernels.Reduction.SUM_OF_SQUARES, c, mask, true);
        boolean f32 = x.dtype() == DType.FLOAT32;
        // float32 sums are stored as floats: they must be normal floats to keep their digits.
        double lo = f32 ? Float.MIN_NORMAL : 0x1p-960;
        double hi = f32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        Storage st = sums.storage();
        for (int i = 0; i < st.length(); i++) {
            double v = st.get(i);
            if (!(v >= lo && v <= hi)) {
                return null;
            }
        }
        return Values.map(UnaryFn.of(UnaryFn.Kind.SQRT), sums);
    }

    /**
     * a / n where n ≠ 0 and 0 where n = 0. The denominator is made safe before dividing so that
     * differentiating again never meets 0/0 in the branch that where() discards.
     */
    private static Tensor divOrZero(Tensor a, Tensor n) {
        Tensor zero = n.eq(0.0);
        Tensor safe = Tensor.where(zero, Tensor.onesLike(n), n);
        return Tensor.where(zero, Tensor.zerosLike(n), a.div(safe));
    }

    /**
     * Index of the first maximum ({@code max}) or minimum along {@code axis}, or into the flattened
     * tensor when {@code axis} is null (0-d result). float64 integral values; not differentiable.
     */
    public static Tensor argReduce(String op, boolean max, Tensor x, Integer axis, boolean keepDims) {
        int[] s = x.shape();
        NDArray v = value(x);
        int d;
        if (axis == null) {
            if (v.numel() == 0) {
                throw new IllegalArgumentException(op + ": cannot take the " + op + " of an empty tensor of shape "
                        + Shapes.str(s));
            }
            v = v.reshape(new int[] {v.numel()});
            d = 0;
        } else {
            d = Shapes.axis(op, axis, s);
            if (s[d] == 0) {
                throw new IllegalArgumentException(op + ": cannot reduce over axis " + axis + " of size 0 in shape "
                        + Shapes.str(s));
            }
        }
        int[] kept = v.shape();
        kept[d] = 1;
        Storage out = Storage.allocate(DType.FLOAT64, Shapes.numel(kept));
        Values.kernels().argReduce(max, v.storage(), v.layout(), d, out);
        int[] shape;
        if (axis == null) {
            shape = new int[keepDims ? s.length : 0];
            Arrays.fill(shape, 1);
        } else {
            boolean[] mask = new boolean[s.length];
            mask[d] = true;
            shape = Shapes.reducedShape(s, mask, keepDims);
        }
        return Autograd.constant(new NDArray(out, Layout.contiguous(shape)));
    }
}
