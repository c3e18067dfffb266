package dev.jgrad.kernels.simd;

import dev.jgrad.tensor.Layout;

/**
 * Operands of one element-wise kernel seen as rows of a row-major output: size-1 axes dropped,
 * neighbouring axes merged wherever every operand allows it, the last (merged) axis walked with
 * one stride per operand. Vector loops run along those rows; a contiguous tensor is one row.
 */
final class Rows {
    private final int[] outerShape;
    private final int[][] outerStrides;
    private final int[] offsets;
    private final int inner;
    private final int[] innerStrides;

    private Rows(int[] outerShape, int[][] outerStrides, int[] offsets, int inner, int[] innerStrides) {
        this.outerShape = outerShape;
        this.outerStrides = outerStrides;
        this.offsets = offsets;
        this.inner = inner;
        this.innerStrides = innerStrides;
    }

    /** The rows of {@code layouts} (all of {@code shape}). */
    static Rows of(int[] shape, Layout... layouts) {
        int k = layouts.length;
        int[] dims = new int[shape.length];
        int[][] strides = new int[k][shape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int t = 0; t < k && merge; t++) {
                merge = strides[t][r - 1] == layouts[t].strides()[d] * shape[d];
            }
            if (merge) {
                dims[r - 1] *= shape[d];
                for (int t = 0; t < k; t++) {
                    strides[t][r - 1] = layouts[t].strides()[d];
                }
            } else {
                dims[r] = shape[d];
                for (int t = 0; t < k; t++) {
                    strides[t][r] = layouts[t].strides()[d];
                }
                r++;
            }
        }
        int[] offsets = new int[k];
        int[] innerStrides = new int[k];
        int[][] outer = new int[k][];
        for (int t = 0; t < k; t++) {
            offsets[t] = layouts[t].offset();
            innerStrides[t] = r == 0 ? 0 : strides[t][r - 1];
            outer[t] = java.util.Arrays.copyOf(strides[t], Math.max(0, r - 1));
        }
        return new Rows(java.util.Arrays.copyOf(dims, Math.max(0, r - 1)), outer, offsets, r == 0 ? 1 : dims[r - 1],
                innerStrides);
    }

    /** Length of every row. */
    int inner() {
        return inner;
    }

    /** Stride of operand {@code k} along a row. */
    int innerStride(int k) {
        return innerStrides[k];
    }

    /** True when rows have at least {@code minInner} elements and every operand walks them with stride 0 or 1. */
    boolean walksUnitStrides(int minInner) {
        if (inner < minInner) {
            return false;
        }
        for (int s : innerStrides) {
            if (s != 0 && s != 1) {
                return false;
            }
        }
        return true;
    }

    /** Storage position of operand {@code k} at the start of row {@code row}. */
    int position(int k, int row) {
        int p = offsets[k];
        int[] strides = outerStrides[k];
        for (int d = outerShape.length - 1; d >= 0 && row > 0; d--) {
            p += (row % outerShape[d]) * strides[d];
            row /= outerShape[d];
        }
        return p;
    }

    /** One piece of a row: {@code len} elements from column {@code col} of row {@code row}. */
    @FunctionalInterface
    interface Segment {
        void run(int row, int col, int len);
    }

    /** Calls {@code body} for the row pieces covering output elements {@code [from, to)}. */
    void forEach(int from, int to, Segment body) {
        int row = from / inner;
        int col = from % inner;
        for (int i = from; i < to; row++, col = 0) {
            int len = Math.min(inner - col, to - i);
            body.run(row, col, len);
            i += len;
        }
    }
}
