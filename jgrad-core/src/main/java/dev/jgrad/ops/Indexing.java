package dev.jgrad.ops;

import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;

import static dev.jgrad.autograd.TensorAccess.value;

/**
 * Integer indexing along one axis: indexSelect ↔ indexAdd and gather ↔ scatterAdd. Each pair is
 * linear in the data and each op is the other's transpose, so the VJP of one is the other
 * (recorded), and grad of grad needs nothing more. Indices are constants: they get no gradient.
 */
public final class Indexing {
    private Indexing() {
    }

    /**
     * {@code out} has x's shape with {@code out.size(axis) = indices.length}, and slice k along
     * {@code axis} is x's slice {@code indices[k]}. Repeats are allowed; negative indices count
     * from the end.
     */
    public static Tensor indexSelect(Tensor x, int axis, int[] indices) {
        int[] s = x.shape();
        if (indices == null) {
            throw new IllegalArgumentException("indexSelect: indices must not be null (shape " + Shapes.str(s)
                    + ", axis " + axis + ")");
        }
        int d = Shapes.axis("indexSelect", axis, s);
        int[] idx = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k] < 0 ? indices[k] + s[d] : indices[k];
            if (i < 0 || i >= s[d]) {
                throw new IllegalArgumentException("indexSelect: index " + indices[k] + " at position " + k
                        + " is out of range for axis " + axis + " of size " + s[d] + " in shape " + Shapes.str(s));
            }
            idx[k] = i;
        }
        return select(x, d, idx);
    }

    /** indexSelect with validated, non-negative indices and a normalised axis. */
    static Tensor select(Tensor x, int axis, int[] idx) {
        int[] xs = x.shape();
        int[] outShape = xs.clone();
        outShape[axis] = idx.length;
        NDArray out = NDArray.zeros(x.dtype(), outShape);
        Values.kernels().gather(value(x).storage(), value(x).layout(), axis, idx, alongAxis(outShape, axis),
                out.storage());
        Tensor[] inputs = {x};
        return Autograd.record("indexSelect", out, inputs,
                (y, t) -> select(t[0], axis, idx),
                (y, g) -> new Tensor[] {indexAdd(g, xs, axis, idx)});
    }

    /**
     * Zeros of {@code shape} with slice k of {@code src} along {@code axis} added at position
     * {@code idx[k]} (repeats accumulate): the transpose of indexSelect.
     */
    static Tensor indexAdd(Tensor src, int[] shape, int axis, int[] idx) {
        NDArray out = NDArray.zeros(src.dtype(), shape);
        Values.kernels().scatterAdd(value(src).storage(), value(src).layout(), axis, idx,
                alongAxis(src.shape(), axis), out.storage(), out.layout());
        Tensor[] inputs = {src};
        return Autograd.record("indexAdd", out, inputs,
                (y, t) -> indexAdd(t[0], shape, axis, idx),
                (y, g) -> new Tensor[] {select(g, axis, idx)});
    }

    /** Reads the 1-D {@code idx} as a tensor of {@code shape} that varies only along {@code axis} (stride 0 elsewhere). */
    private static Layout alongAxis(int[] shape, int axis) {
        int[] strides = new int[shape.length];
        strides[axis] = 1;
        return new Layout(shape.clone(), strides, 0);
    }

    /**
     * {@code out[p] = x[p with p[axis] = index[p]]}, e.g. {@code out[i][j][k] = x[index[i][j][k]][j][k]}
     * for axis 0 (PyTorch's gather). {@code index} has x's rank, integral values in
     * {@code [0, x.size(axis))}, and {@code index.size(d) <= x.size(d)} for d ≠ axis; the output has
     * index's shape and x's dtype. The index gets no gradient.
     */
    public static Tensor gather(Tensor x, int axis, Tensor index) {
        int[] xs = x.shape();
        if (index == null) {
            throw new IllegalArgumentException("gather: index must not be null (input shape " + Shapes.str(xs)
                    + ", axis " + axis + ")");
        }
        int[] is = index.shape();
        String shapes = "input shape " + Shapes.str(xs) + " and index shape " + Shapes.str(is);
        if (is.length != xs.length) {
            throw new IllegalArgumentException("gather: index must have the input's rank, got " + shapes
                    + " (axis " + axis + ")");
        }
        if (axis < -xs.length || axis >= xs.length) {
            throw new IllegalArgumentException("gather: axis " + axis + " is out of range for " + shapes
                    + " (valid: " + (-xs.length) + " to " + (xs.length - 1) + ")");
        }
        int d = axis < 0 ? axis + xs.length : axis;
        for (int k = 0; k < xs.length; k++) {
            if (k != d && is[k] > xs[k]) {
                throw new IllegalArgumentException("gather: index size " + is[k] + " exceeds input size " + xs[k]
                        + " on axis " + k + " (gather axis " + axis + "), " + shapes);
            }
        }
        double[] values = index.toDoubleArray();
        int[] idx = new int[values.length];
        for (int k = 0; k < values.length; k++) {
            double v = values[k];
            if (v != Math.rint(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("gather: index value " + v + " at flat position " + k
                        + " is not an integer (axis " + axis + ", " + shapes + ")");
            }
            if (v < 0 || v >= xs[d]) {
                throw new IllegalArgumentException("gather: index value " + (long) v + " at flat position " + k
                        + " is out of range [0, " + xs[d] + ") for axis " + axis + ", " + shapes);
            }
            idx[k] = (int) v;
        }
        return gatherChecked(x, d, idx, is);
    }

    /** gather with validated row-major indices of shape {@code is} and a normalised axis. */
    static Tensor gatherChecked(Tensor x, int axis, int[] idx, int[] is) {
        int[] xs = x.shape();
        NDArray out = NDArray.zeros(x.dtype(), is);
        Values.kernels().gather(value(x).storage(), value(x).layout(), axis, idx, Layout.contiguous(is),
                out.storage());
        Tensor[] inputs = {x};
        return Autograd.record("gather", out, inputs,
                (y, t) -> gatherChecked(t[0], axis, idx, is),
                (y, g) -> new Tensor[] {scatterAdd(g, xs, axis, idx)});
    }

    /**
     * Zeros of {@code shape} with each element of {@code src} added at its own position, except
     * that the coordinate on {@code axis} comes from {@code idx} (row-major, src's shape); repeats
     * accumulate. The transpose of gather.
     */
    static Tensor scatterAdd(Tensor src, int[] shape, int axis, int[] idx) {
        int[] is = src.shape();
        NDArray out = NDArray.zeros(src.dtype(), shape);
        Values.kernels().scatterAdd(value(src).storage(), value(src).layout(), axis, idx, Layout.contiguous(is),
                out.storage(), out.layout());
        Tensor[] inputs = {src};
        return Autograd.record("scatterAdd", out, inputs,
                (y, t) -> scatterAdd(t[0], shape, axis, idx),
                (y, g) -> new Tensor[] {gatherChecked(g, axis, idx, is)});
    }
}
