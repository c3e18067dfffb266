package dev.jgrad.ops;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

import static dev.jgrad.autograd.TensorAccess.value;

/**
 * Joining, splitting and padding: concat, stack, split, chunk, pad (indexSelect and gather live in
 * {@link Indexing}). All are linear: concat's transpose is slicing, pad's is slicing back to the
 * input's region; split and chunk are slices already, so they need no rules of their own.
 */
public final class Joins {
    private Joins() {
    }

    /**
     * Joins tensors of equal rank (≥ 1) and equal sizes except along {@code axis}; the result has
     * the widest dtype of the inputs and their sizes on {@code axis} added up. Empty inputs are allowed.
     */
    public static Tensor concat(int axis, Tensor[] tensors) {
        Tensor[] ts = checkList("concat", tensors);
        int[] first = ts[0].shape();
        if (first.length == 0) {
            throw new IllegalArgumentException("concat: zero-dimensional tensors cannot be concatenated (shapes "
                    + shapesOf(ts) + ", axis " + axis + "); use stack");
        }
        for (int i = 1; i < ts.length; i++) {
            if (ts[i].ndim() != first.length) {
                throw new IllegalArgumentException("concat: all tensors must have the same rank, but tensor " + i
                        + " has rank " + ts[i].ndim() + " and tensor 0 has rank " + first.length + " (shapes "
                        + shapesOf(ts) + ", axis " + axis + ")");
            }
        }
        int d = checkAxis("concat", axis, first.length, ts);
        long total = 0;
        DType dtype = ts[0].dtype();
        for (int i = 0; i < ts.length; i++) {
            int[] si = ts[i].shape();
            for (int k = 0; k < first.length; k++) {
                if (k != d && si[k] != first[k]) {
                    throw new IllegalArgumentException("concat: sizes must match except on axis " + axis + ", but tensor "
                            + i + " has size " + si[k] + " on axis " + k + " where tensor 0 has " + first[k]
                            + " (shapes " + shapesOf(ts) + ")");
                }
            }
            total += si[d];
            dtype = DType.promote(dtype, ts[i].dtype());
        }
        int[] outShape = first.clone();
        if (total > Shapes.MAX_ELEMENTS) {
            throw new IllegalArgumentException("concat: joined size " + total + " on axis " + axis
                    + " is too large (shapes " + shapesOf(ts) + ")");
        }
        outShape[d] = (int) total;
        checkSize("concat", outShape, "shapes " + shapesOf(ts) + ", axis " + axis);
        NDArray out = NDArray.zeros(dtype, outShape);
        Tensor[] inputs = new Tensor[ts.length];
        int[] offsets = new int[ts.length + 1];
        for (int i = 0; i < ts.length; i++) {
            inputs[i] = ts[i].to(dtype);
            offsets[i + 1] = offsets[i] + ts[i].shape()[d];
            NDArray target = out.slice(d, offsets[i], offsets[i + 1], 1);
            NDArray src = value(inputs[i]);
            Values.kernels().copyInto(src.storage(), src.layout(), out.storage(), target.layout());
        }
        return Autograd.record("concat", out, inputs,
                (y, t) -> concat(d, t),
                (y, g) -> {
                    Tensor[] parts = new Tensor[inputs.length];
                    for (int i = 0; i < parts.length; i++) {
                        parts[i] = g.slice(d, offsets[i], offsets[i + 1]);
                    }
                    return parts;
                });
    }

    /**
     * Stacks tensors of one shape along a new axis {@code axis} (in {@code [-ndim-1, ndim]}): the
     * concat of the tensors each unsqueezed at {@code axis}.
     */
    public static Tensor stack(int axis, Tensor[] tensors) {
        Tensor[] ts = checkList("stack", tensors);
        int[] first = ts[0].shape();
        for (int i = 1; i < ts.length; i++) {
            if (!Arrays.equals(ts[i].shape(), first)) {
                throw new IllegalArgumentException("stack: all tensors must have the same shape, but tensor " + i
                        + " differs from tensor 0 (shapes " + shapesOf(ts) + ", axis " + axis + ")");
            }
        }
        int d = checkAxis("stack", axis, first.length + 1, ts);
        Tensor[] expanded = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            expanded[i] = ts[i].unsqueeze(d);
        }
        return concat(d, expanded);
    }

    /**
     * Views of consecutive pieces of {@code size} (&gt; 0) along {@code axis}; the last piece holds
     * the remainder. An empty axis gives one empty piece.
     */
    public static List<Tensor> split(Tensor x, int size, int axis) {
        int[] s = x.shape();
        int d = Shapes.axis("split", axis, s);
        if (size <= 0) {
            throw new IllegalArgumentException("split: piece size must be positive, got " + size + " for axis " + axis
                    + " of shape " + Shapes.str(s));
        }
        int n = s[d];
        List<Tensor> pieces = new ArrayList<>();
        if (n == 0) {
            pieces.add(x.slice(d, 0, 0));
            return pieces;
        }
        for (int start = 0; start < n; start += Math.min(size, n - start)) {
            pieces.add(x.slice(d, start, start + Math.min(size, n - start)));
        }
        return pieces;
    }

    /** Views of consecutive pieces of the given sizes (each ≥ 0, adding up to the axis length). */
    public static List<Tensor> split(Tensor x, int[] sizes, int axis) {
        int[] s = x.shape();
        int d = Shapes.axis("split", axis, s);
        if (sizes == null) {
            throw new IllegalArgumentException("split: sizes must not be null (axis " + axis + " of shape "
                    + Shapes.str(s) + ")");
        }
        long sum = 0;
        for (int k = 0; k < sizes.length; k++) {
            if (sizes[k] < 0) {
                throw new IllegalArgumentException("split: size " + sizes[k] + " at position " + k + " of "
                        + Arrays.toString(sizes) + " is negative (axis " + axis + " of shape " + Shapes.str(s) + ")");
            }
            sum += sizes[k];
        }
        if (sum != s[d]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum
                    + ", but axis " + axis + " of shape " + Shapes.str(s) + " has size " + s[d]);
        }
        List<Tensor> pieces = new ArrayList<>(sizes.length);
        int start = 0;
        for (int size : sizes) {
            pieces.add(x.slice(d, start, start + size));
            start += size;
        }
        return pieces;
    }

    /**
     * Splits into pieces of ceil(n / chunks) along {@code axis} (PyTorch's chunk), so there may be
     * fewer than {@code chunks} pieces; an empty axis gives {@code chunks} empty pieces.
     */
    public static List<Tensor> chunk(Tensor x, int chunks, int axis) {
        int[] s = x.shape();
        int d = Shapes.axis("chunk", axis, s);
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks + " for axis "
                    + axis + " of shape " + Shapes.str(s));
        }
        int n = s[d];
        if (n == 0) {
            return split(x, new int[chunks], d);
        }
        return split(x, (int) ((n + (long) chunks - 1) / chunks), d);
    }

    /** See {@link Indexing#indexSelect}. */
    public static Tensor indexSelect(Tensor x, int axis, int[] indices) {
        return Indexing.indexSelect(x, axis, indices);
    }

    /** See {@link Indexing#gather}. */
    public static Tensor gather(Tensor x, int axis, Tensor index) {
        return Indexing.gather(x, axis, index);
    }

    /**
     * x surrounded on each axis d by {@code widths[d][0]} copies of {@code value} before and
     * {@code widths[d][1]} after (widths ≥ 0, one pair per axis). Derivative: 1 inside x's region,
     * 0 on the padding.
     */
    public static Tensor pad(Tensor x, int[][] widths, double value) {
        int[] s = x.shape();
        int[][] w = checkWidths(s, widths);
        int[] outShape = new int[s.length];
        for (int d = 0; d < s.length; d++) {
            long size = (long) s[d] + w[d][0] + w[d][1];
            if (size > Shapes.MAX_ELEMENTS) {
                throw new IllegalArgumentException("pad: padded size " + size + " on axis " + d + " is too large for shape "
                        + Shapes.str(s) + " with widths " + Arrays.deepToString(widths));
            }
            outShape[d] = (int) size;
        }
        checkSize("pad", outShape, "shape " + Shapes.str(s) + " with widths " + Arrays.deepToString(widths));
        NDArray out = value(Creation.full(value, x.dtype(), outShape));
        NDArray region = out;
        for (int d = 0; d < s.length; d++) {
            region = region.slice(d, w[d][0], w[d][0] + s[d], 1);
        }
        Values.kernels().copyInto(value(x).storage(), value(x).layout(), out.storage(), region.layout());
        Tensor[] inputs = {x};
        return Autograd.record("pad", out, inputs,
                (y, t) -> pad(t[0], w, 0.0),
                (y, g) -> {
                    Tensor inner = g;
                    for (int d = 0; d < s.length; d++) {
                        if (w[d][0] != 0 || w[d][1] != 0) {
                            inner = inner.slice(d, w[d][0], w[d][0] + s[d]);
                        }
                    }
                    return new Tensor[] {inner};
                });
    }

    /** Validates pad widths (one {before, after} pair ≥ 0 per axis) and returns a defensive copy. */
    private static int[][] checkWidths(int[] s, int[][] widths) {
        if (widths == null || widths.length != s.length) {
            throw new IllegalArgumentException("pad: widths must hold one {before, after} pair per axis of shape "
                    + Shapes.str(s) + ", got " + (widths == null ? "null" : widths.length + " pairs: " + Arrays.deepToString(widths)));
        }
        int[][] w = new int[s.length][];
        for (int d = 0; d < s.length; d++) {
            if (widths[d] == null || widths[d].length != 2) {
                throw new IllegalArgumentException("pad: widths for axis " + d + " must be a {before, after} pair, got "
                        + Arrays.toString(widths[d]) + " for shape " + Shapes.str(s));
            }
            for (int side = 0; side < 2; side++) {
                if (widths[d][side] < 0) {
                    throw new IllegalArgumentException("pad: width " + widths[d][side] + (side == 0 ? " before" : " after")
                            + " axis " + d + " is negative, for shape " + Shapes.str(s) + " with widths "
                            + Arrays.deepToString(widths));
                }
            }
            w[d] = widths[d].clone();
        }
        return w;
    }

    /** Refuses results too large for one Java array, naming the op and its inputs. */
    private static void checkSize(String op, int[] outShape, String inputs) {
        long n = Shapes.numelLong(outShape);
        if (n > Shapes.MAX_ELEMENTS) {
            throw new IllegalArgumentException(op + ": result shape " + Shapes.str(outShape) + " has " + n
                    + " elements, more than one Java array can hold (" + inputs + ")");
        }
    }

    /** At least one tensor, none null. */
    private static Tensor[] checkList(String op, Tensor[] tensors) {
        if (tensors == null || tensors.length == 0) {
            throw new IllegalArgumentException(op + ": needs at least one tensor, got none");
        }
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] == null) {
                throw new IllegalArgumentException(op + ": tensor " + i + " of " + tensors.length + " is null");
            }
        }
        return tensors.clone();
    }

    /** Normalises an axis against rank {@code ndim}; the message lists every input's shape. */
    private static int checkAxis(String op, int axis, int ndim, Tensor[] ts) {
        if (axis < -ndim || axis >= ndim) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shapes " + shapesOf(ts)
                    + " (valid: " + (-ndim) + " to " + (ndim - 1) + ")");
        }
        return axis < 0 ? axis + ndim : axis;
    }

    private static String shapesOf(Tensor[] ts) {
        StringJoiner j = new StringJoiner(", ");
        for (Tensor t : ts) {
            j.add(Shapes.str(t.shape()));
        }
        return j.toString();
    }
}
