package dev.jgrad.ops;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.KernelProvider;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.kernels.UnaryFn;
import dev.jgrad.tensor.Deferred;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;
import dev.jgrad.tensor.Storage;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import static dev.jgrad.autograd.TensorAccess.value;

/** Value computations shared by the ops: allocate the output, call the chosen kernel. */
final class Values {
    private Values() {
    }

    static Kernels kernels() {
        return KernelProvider.get();
    }

    /** Operands from this many elements on are made row-major first when their last two axes are swapped. */
    static final int SWAPPED_MIN_ELEMENTS = 1 << 15;

    /**
     * {@code v} itself, or — when it is a large view whose last two axes are swapped (stride 1 on
     * the second-to-last, as {@code x.mT()} or a transposed weight) and it covers the whole output
     * ({@code n} elements, nothing broadcast) — a row-major copy of it. The element-wise kernels walk
     * the output's rows, so such an operand would be read a column at a time through their scalar
     * strided path; the tiled transposed copy ({@code Kernels.copy}) and a contiguous pass (which
     * may then fuse) are several times faster: {@code x.mT().add(y)}, 1024 × 1024 float32, two
     * threads, ~3.7 ms → ~1.0 ms (harness; float64 ~4.8 → ~2.5 ms). The values are the same either way.
     */
    static NDArray rowMajorIfSwapped(NDArray v, int n) {
        Layout l = v.layout();
        int nd = l.ndim();
        if (n < SWAPPED_MIN_ELEMENTS || v.numel() != n || nd < 2 || l.isContiguous()) {
            return v;
        }
        int[] st = l.strides();
        int[] sh = l.shape();
        boolean swapped = st[nd - 2] == 1 && st[nd - 1] != 1 && sh[nd - 1] > 1 && sh[nd - 2] > 1;
        return swapped ? v.contiguous() : v;
    }

    /**
     * Whether every element of {@code v} is the one stored at its offset (every stride 0 but on
     * size-1 axes: backward()'s seed of ones, a broadcast scalar), so a kernel may read it with a
     * step of 0 instead of a contiguous copy.
     */
    static boolean oneValue(NDArray v) {
        Layout l = v.layout();
        for (int d = 0; d < l.ndim(); d++) {
            if (l.strides()[d] != 0 && l.shape()[d] != 1) {
                return false;
            }
        }
        return true;
    }

    /** {@code f} applied to every element; same shape and dtype. */
    static NDArray map(DoubleUnaryOperator f, NDArray x0) {
        int n = x0.numel();
        NDArray x = rowMajorIfSwapped(x0, n);
        if (f instanceof UnaryFn u) {
            NDArray deferred = Deferred.map(u, x, n);
            if (deferred != null) {
                return deferred;
            }
        }
        Storage out = Storage.allocateToOverwrite(x.dtype(), n);
        kernels().map(f, x.storage(), x.layout(), out);
        return new NDArray(out, Layout.contiguous(x.shapeRef()));
    }

    /** {@code f} on broadcast pairs; dtype promoted. */
    static NDArray zip(String op, DoubleBinaryOperator f, NDArray a0, NDArray b0) {
        DType dtype = DType.promote(a0.dtype(), b0.dtype());
        boolean sameShape = java.util.Arrays.equals(a0.shapeRef(), b0.shapeRef());
        int[] shape = sameShape ? a0.shapeRef() : Shapes.broadcast(op, a0.shapeRef(), b0.shapeRef());
        int n = sameShape ? a0.numel() : Shapes.numel(shape);
        NDArray a = rowMajorIfSwapped(a0, n);
        NDArray b = b0 == a0 ? a : rowMajorIfSwapped(b0, n);
        if (f instanceof BinaryFn fn) {
            NDArray deferred = Deferred.zip(fn, a, b, shape, n);
            if (deferred != null) {
                return deferred;
            }
        }
        Storage out = Storage.allocateToOverwrite(dtype, n);
        if (sameShape) {
            // Same shapes (the common case): nothing to broadcast.
            kernels().zip(f, a.storage(), a.layout(), b.storage(), b.layout(), out);
            return new NDArray(out, Layout.contiguous(shape));
        }
        kernels().zip(f, a.storage(), a.broadcastTo(shape).layout(), b.storage(), b.broadcastTo(shape).layout(), out);
        return new NDArray(out, Layout.contiguous(shape));
    }

    /**
     * {@code g·m} inside a reverse rule: the kernel on raw values when nothing could differentiate
     * the product (no graph recorded, no tangents; then {@code g.mul(m)} would record nothing
     * either, so the result is the same), otherwise the recorded op.
     */
    static Tensor ruleProduct(Tensor g, Tensor m) {
        if (Autograd.plainValues(g, m)) {
            return Autograd.constant(zip("mul", BinaryFn.MUL, value(g), value(m)));
        }
        return g.mul(m);
    }

    /** A forward rule's {@code d ⊙ ẋ}: one unrecorded kernel pass when nothing can differentiate it. */
    static Tensor tangentProduct(Tensor d, Tensor t) {
        if (Autograd.inertForTangent(d, t)) {
            return Autograd.constant(zip("mul", BinaryFn.MUL, value(d), value(t)));
        }
        return d.mul(t);
    }

    /** Reduction of {@code x} over the flagged axes, in the kept-dims or squeezed shape. */
    static NDArray reduce(Kernels.Reduction kind, NDArray x, boolean[] axes, boolean keepDims) {
        if (!x.isDeferred()) {
            NDArray folded = reduceBroadcastAxes(kind, x, axes, keepDims);
            if (folded != null) {
                return folded;
            }
        }
        int[] kept = Shapes.reducedShape(x.shapeRef(), axes, true);
        int[] shape = keepDims ? kept : Shapes.reducedShape(x.shapeRef(), axes, false);
        boolean wholeSum = kind == Kernels.Reduction.SUM && Shapes.numel(kept) == 1;
        if (wholeSum && x.isDeferred()) {
            // The sum of a pending array stays pending: computed when read, or alongside whatever
            // computes x's elements first (a backward pass that recomputes them: one pass for both).
            NDArray later = Deferred.sumLater(x, shape);
            if (later != null) {
                return later;
            }
        }
        Storage out = Storage.allocate(x.dtype(), Shapes.numel(kept));
        if (wholeSum && (x.isDeferred() || x.layout().isContiguous())) {
            // Block by block, as a pending sum is computed: the same value whichever way.
            out.set(0, Deferred.sumAll(x));
        } else {
            kernels().reduce(kind, x.storage(), x.layout(), axes, out);
        }
        return new NDArray(out, Layout.contiguous(shape));
    }

    /**
     * A reduction over axes along which x is a broadcast (stride 0, size &gt; 1), or null when there
     * is none: every value repeats along them, so max and min reduce the view with those axes cut
     * to size 1, and a sum (of the values or their squares) multiplies that by their sizes (the exact sum of the copies, rounded
     * once). Reverse passes meet this whenever a broadcast gradient (backward()'s seed of ones, the
     * gradient of a sum) reaches a rule that sums it: summed element by element through the strided
     * walk, a 1024 × 1024 float32 broadcast took ~3.6 ms.
     */
    private static NDArray reduceBroadcastAxes(Kernels.Reduction kind, NDArray x, boolean[] axes, boolean keepDims) {
        Layout l = x.layout();
        int[] shape = l.shape().clone();
        double copies = 1;
        for (int d = 0; d < shape.length; d++) {
            if (axes[d] && l.strides()[d] == 0 && shape[d] > 1) {
                copies *= shape[d];
                shape[d] = 1;
            }
        }
        if (copies == 1) {
            return null;
        }
        NDArray cut = reduce(kind, new NDArray(x.storage(), new Layout(shape, l.strides(), l.offset())), axes, true);
        if (kind == Kernels.Reduction.SUM || kind == Kernels.Reduction.SUM_OF_SQUARES) {
            cut = map(UnaryFn.of(UnaryFn.Kind.MUL_SCALAR, copies), cut);
        }
        int[] outShape = Shapes.reducedShape(x.shapeRef(), axes, keepDims);
        return cut.reshape(outShape);
    }
}
