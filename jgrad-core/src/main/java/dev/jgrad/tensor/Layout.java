package dev.jgrad.tensor;

import java.util.Arrays;

/**
 * Where a tensor's elements live in its {@link Storage}: element {@code (i0, i1, …)} is at
 * {@code offset + Σ i_k · strides[k]}. A stride of 0 repeats an element (broadcast).
 */
public record Layout(int[] shape, int[] strides, int offset) {

    /** The one 0-d layout: its arrays are empty, so sharing it is safe (0-d ops need no allocation). */
    private static final Layout SCALAR = new Layout(new int[0], new int[0], 0);

    /** Largest side of the vectors and matrices whose contiguous layouts are shared. */
    private static final int SHARED_SIDE = 16;
    /**
     * Shared contiguous layouts of small vectors ([n]) and matrices ([m, n]), made on first use:
     * layouts are immutable values (nobody writes their arrays), so tensors of one small shape can
     * share one instead of allocating three objects per op result. A racing first use makes an
     * equal layout twice, which is harmless.
     */
    private static final Layout[] SHARED = new Layout[(SHARED_SIDE + 1) * (SHARED_SIDE + 2)];

    public static Layout contiguous(int[] shape) {
        if (shape.length == 0) {
            return SCALAR;
        }
        if (shape.length <= 2) {
            int rows = shape.length == 1 ? 0 : shape[0];
            int cols = shape[shape.length - 1];
            if (rows >= 0 && rows <= SHARED_SIDE && cols >= 0 && cols <= SHARED_SIDE) {
                int key = rows * (SHARED_SIDE + 1) + cols + (shape.length == 1 ? 0 : SHARED_SIDE + 1);
                Layout l = SHARED[key];
                if (l == null) {
                    l = new Layout(shape.clone(), Shapes.contiguousStrides(shape), 0);
                    SHARED[key] = l;
                }
                return l;
            }
        }
        return new Layout(shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    public int ndim() {
        return shape.length;
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    /** True when the elements are laid out densely in row-major order starting at the offset. */
    public boolean isContiguous() {
        // An empty array has no element out of place (as NumPy); without this, reshape of an
        // empty tensor took the no-copy path for strided views and ran off the shape arrays.
        for (int d : shape) {
            if (d == 0) {
                return true;
            }
        }
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** Storage index of the element at the given multi-index. */
    public int indexOf(int[] index) {
        int p = offset;
        for (int d = 0; d < index.length; d++) {
            p += index[d] * strides[d];
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && l.offset == offset && Arrays.equals(l.shape, shape)
                && Arrays.equals(l.strides, strides);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(strides)) + offset;
    }

    @Override
    public String toString() {
        return "Layout" + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " offset " + offset;
    }
}
