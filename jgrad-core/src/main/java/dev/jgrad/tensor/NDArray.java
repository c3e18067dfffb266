package dev.jgrad.tensor;

import dev.jgrad.DType;
import dev.jgrad.kernels.KernelProvider;

import java.util.Arrays;

/**
 * An immutable n-dimensional array: a {@link Storage} seen through a {@link Layout}. Views
 * (reshape when possible, permute, slice, broadcast, squeeze, unsqueeze) share the storage and copy
 * nothing; {@link #contiguous()} materialises. No autodiff here: that lives one layer up.
 */
public final class NDArray {
    /** Null while the elements are a {@link Deferred} expression not computed yet. */
    private volatile Storage storage;
    private final Layout layout;
    private final DType dtype;
    /** The expression that computes this array; null once computed (or from the start). Guarded by {@link Deferred#LOCK}. */
    private Deferred deferred;

    public NDArray(Storage storage, Layout layout) {
        this.storage = storage;
        this.layout = layout;
        this.dtype = storage.dtype();
    }

    /** A contiguous array whose elements {@code expression} computes on first access. */
    NDArray(Deferred expression, int[] shape) {
        this.layout = Layout.contiguous(shape);
        this.dtype = expression.dtype();
        this.deferred = expression;
    }

    /** A fresh zero-filled contiguous array. */
    public static NDArray zeros(DType dtype, int[] shape) {
        return new NDArray(Storage.allocate(dtype, Shapes.numel(shape)), Layout.contiguous(shape));
    }

    /** Wraps a row-major {@code double[]} (not copied; the caller must not write it afterwards). */
    public static NDArray wrap(double[] data, int[] shape) {
        return new NDArray(new Storage.F64(data), Layout.contiguous(shape));
    }

    /** Wraps a row-major {@code float[]} (not copied; the caller must not write it afterwards). */
    public static NDArray wrap(float[] data, int[] shape) {
        return new NDArray(new Storage.F32(data), Layout.contiguous(shape));
    }

    /**
     * The elements; computes them first when they are still a deferred expression. Throws
     * {@link IllegalStateException} once they were released ({@link #release}): every read of an
     * array's elements comes through here.
     */
    public Storage storage() {
        Storage s = storage;
        if (s == null) {
            s = Deferred.materialize(this);
        }
        s.lease().check(s);
        return s;
    }

    /**
     * Ends the life of this array's elements so that a later result of the same size and dtype may
     * reuse their Java array ({@link dev.jgrad.kernels.ArrayPool}): a pending expression is computed
     * first (there is nothing to reuse before), and so is every pending expression that reads the
     * elements; then every read through the storage — this array, its views, the array it is a
     * view of, anything that saved it — throws ({@link Lease}). Does nothing to elements jgrad
     * shares itself ({@link #makePermanent}) or that were released already.
     */
    public void release() {
        Storage s = storage;
        if (s == null) {
            s = Deferred.materialize(this);
        }
        Object array;
        synchronized (Deferred.LOCK) {
            Lease lease = s.lease();
            if (!lease.releasable()) {
                return;
            }
            lease.computeReaders();
            array = s instanceof Storage.F64(double[] d, _) ? d : ((Storage.F32) s).data();
            lease.markReleased();
        }
        dev.jgrad.kernels.ArrayPool.offer(array);
    }

    /** True once {@link #release} ended these elements (a pending array never is). */
    public boolean isReleased() {
        Storage s = storage;
        return s != null && s.lease().released();
    }

    /** Keeps {@link #release} away from these elements: for arrays jgrad shares between tensors. */
    public NDArray makePermanent() {
        storage().lease().makePermanent();
        return this;
    }

    /** True while the elements are a deferred element-wise expression not computed yet. */
    public boolean isDeferred() {
        return storage == null;
    }

    /** This array's pending expression, or null once computed; callers hold {@link Deferred#LOCK}. */
    Deferred deferredExpression() {
        return deferred;
    }

    /** Publishes the computed elements and drops the expression; callers hold {@link Deferred#LOCK}. */
    void complete(Storage computed) {
        deferred = null;
        storage = computed;
    }

    public Layout layout() {
        return layout;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return layout.shape().clone();
    }

    /** The shape array itself; callers must not modify it. */
    public int[] shapeRef() {
        return layout.shape();
    }

    public int ndim() {
        return layout.ndim();
    }

    public int numel() {
        return layout.numel();
    }

    public boolean isContiguous() {
        return layout.isContiguous();
    }

    /** Element at a multi-index (no bounds message: callers validate). */
    public double get(int... index) {
        return storage().get(layout.indexOf(index));
    }

    /** Row-major copy (or this, when already contiguous from offset 0 with exact length). */
    public NDArray contiguous() {
        if (layout.isContiguous() && layout.offset() == 0 && storage().length() == layout.numel()) {
            return this;
        }
        Storage out = Storage.allocateToOverwrite(dtype(), layout.numel());
        KernelProvider.get().copy(storage(), layout, out);
        return new NDArray(out, Layout.contiguous(layout.shape()));
    }

    /** A contiguous copy converted to another dtype (this, when the dtype already matches). */
    public NDArray to(DType target) {
        if (target == dtype()) {
            return this;
        }
        Storage out = Storage.allocateToOverwrite(target, layout.numel());
        KernelProvider.get().copy(storage(), layout, out);
        return new NDArray(out, Layout.contiguous(layout.shape()));
    }

    /** All elements in row-major order as doubles. */
    public double[] toDoubleArray() {
        NDArray c = contiguous();
        Storage cs = c.storage();
        if (cs instanceof Storage.F64(double[] d, _) && d.length == c.numel()) {
            return d.clone();
        }
        double[] out = new double[c.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cs.get(i);
        }
        return out;
    }

    /** All elements in row-major order as floats. */
    public float[] toFloatArray() {
        NDArray c = contiguous();
        Storage cs = c.storage();
        float[] out = new float[c.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) cs.get(i);
        }
        return out;
    }

    /** Reshape as a view when the strides allow it, else null (caller copies). */
    public NDArray reshapeView(int[] newShape) {
        if (layout.isContiguous()) {
            return new NDArray(storage(), new Layout(newShape.clone(), Shapes.contiguousStrides(newShape), layout.offset()));
        }
        int[] newStrides = viewStrides(layout.shape(), layout.strides(), newShape);
        return newStrides == null ? null : new NDArray(storage(), new Layout(newShape.clone(), newStrides, layout.offset()));
    }

    /** Reshape: a view when possible, otherwise a copy. */
    public NDArray reshape(int[] newShape) {
        NDArray v = reshapeView(newShape);
        return v != null ? v : contiguous().reshapeView(newShape);
    }

    /**
     * Strides that present {@code shape/strides} as {@code newShape} without copying, or null
     * (the algorithm of NumPy's _attempt_nocopy_reshape: match groups of axes with equal products).
     */
    private static int[] viewStrides(int[] shape, int[] strides, int[] newShape) {
        int[] oldShape = new int[shape.length];
        int[] oldStrides = new int[shape.length];
        int oldNd = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                oldShape[oldNd] = shape[i];
                oldStrides[oldNd] = strides[i];
                oldNd++;
            }
        }
        int newNd = newShape.length;
        int[] out = new int[newNd];
        int oi = 0, oj = 1, ni = 0, nj = 1;
        while (ni < newNd && oi < oldNd) {
            long np = newShape[ni];
            long op = oldShape[oi];
            while (np != op) {
                if (np < op) {
                    np *= newShape[nj++];
                } else {
                    op *= oldShape[oj++];
                }
            }
            for (int ok = oi; ok < oj - 1; ok++) {
                if (oldStrides[ok] != oldShape[ok + 1] * oldStrides[ok + 1]) {
                    return null;
                }
            }
            out[nj - 1] = oldStrides[oj - 1];
            for (int nk = nj - 1; nk > ni; nk--) {
                out[nk - 1] = out[nk] * newShape[nk];
            }
            ni = nj++;
            oi = oj++;
        }
        int last = ni > 0 ? out[ni - 1] : 1;
        for (int nk = ni; nk < newNd; nk++) {
            out[nk] = last;
        }
        return out;
    }

    /** Permutes axes (a view). {@code perm} must already be a validated permutation. */
    public NDArray permute(int[] perm) {
        int nd = ndim();
        int[] s = new int[nd];
        int[] st = new int[nd];
        for (int i = 0; i < nd; i++) {
            s[i] = layout.shape()[perm[i]];
            st[i] = layout.strides()[perm[i]];
        }
        return new NDArray(storage(), new Layout(s, st, layout.offset()));
    }

    /** Slice {@code start:stop:step} (already clamped and valid, step > 0) along {@code axis} (a view). */
    public NDArray slice(int axis, int start, int stop, int step) {
        int[] s = layout.shape().clone();
        int[] st = layout.strides().clone();
        // long: stop - start + step - 1 overflows an int for steps near Integer.MAX_VALUE.
        int len = stop > start ? (int) (((long) stop - start + step - 1) / step) : 0;
        int off = len == 0 ? layout.offset() : layout.offset() + start * st[axis];
        s[axis] = len;
        st[axis] = len > 1 ? st[axis] * step : st[axis];
        return new NDArray(storage(), new Layout(s, st, off));
    }

    /** Broadcast view to {@code target} (validated by the caller) using stride 0. */
    public NDArray broadcastTo(int[] target) {
        if (Arrays.equals(target, layout.shape())) {
            return this;
        }
        int nd = target.length;
        int lead = nd - ndim();
        int[] st = new int[nd];
        for (int i = 0; i < ndim(); i++) {
            st[lead + i] = layout.shape()[i] == 1 && target[lead + i] != 1 ? 0 : layout.strides()[i];
        }
        return new NDArray(storage(), new Layout(target.clone(), st, layout.offset()));
    }

    /** Inserts a size-1 axis at {@code axis} (0..ndim) (a view). */
    public NDArray unsqueeze(int axis) {
        int nd = ndim();
        int[] s = new int[nd + 1];
        int[] st = new int[nd + 1];
        for (int i = 0, j = 0; i <= nd; i++) {
            if (i == axis) {
                s[i] = 1;
                st[i] = axis < nd ? layout.strides()[axis] * layout.shape()[axis] : 1;
            } else {
                s[i] = layout.shape()[j];
                st[i] = layout.strides()[j];
                j++;
            }
        }
        return new NDArray(storage(), new Layout(s, st, layout.offset()));
    }

    /** Removes the flagged size-1 axes (a view). */
    public NDArray squeeze(boolean[] axes) {
        int kept = 0;
        for (boolean b : axes) {
            if (!b) {
                kept++;
            }
        }
        int[] s = new int[kept];
        int[] st = new int[kept];
        for (int i = 0, j = 0; i < axes.length; i++) {
            if (!axes[i]) {
                s[j] = layout.shape()[i];
                st[j] = layout.strides()[i];
                j++;
            }
        }
        return new NDArray(storage(), new Layout(s, st, layout.offset()));
    }
}
