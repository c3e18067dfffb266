package dev.jgrad.kernels;

import dev.jgrad.tensor.Layout;

/**
 * Walks one or more layouts of the same shape in row-major order, one innermost row at a time:
 * the caller loops over the last axis with {@link #innerStride}, then calls {@link #nextRow}.
 */
final class StridedWalk {
    private final int[] shape;
    private final Layout[] layouts;
    private final int[] index;
    private final int[] positions;
    private final int lastAxis;

    StridedWalk(int[] shape, Layout... layouts) {
        this.shape = shape;
        this.layouts = layouts;
        this.index = new int[shape.length];
        this.positions = new int[layouts.length];
        for (int k = 0; k < layouts.length; k++) {
            positions[k] = layouts[k].offset();
        }
        this.lastAxis = shape.length - 1;
    }

    /** Length of the innermost row (1 for a 0-d tensor). */
    int innerSize() {
        return lastAxis < 0 ? 1 : shape[lastAxis];
    }

    /** Stride of layout {@code k} along the innermost axis. */
    int innerStride(int k) {
        return lastAxis < 0 ? 0 : layouts[k].strides()[lastAxis];
    }

    /** Storage position of layout {@code k} at the start of the current row. */
    int position(int k) {
        return positions[k];
    }

    /** Advances to the start of the next innermost row. */
    void nextRow() {
        for (int d = lastAxis - 1; d >= 0; d--) {
            index[d]++;
            for (int k = 0; k < layouts.length; k++) {
                positions[k] += layouts[k].strides()[d];
            }
            if (index[d] < shape[d]) {
                return;
            }
            for (int k = 0; k < layouts.length; k++) {
                positions[k] -= layouts[k].strides()[d] * shape[d];
            }
            index[d] = 0;
        }
    }
}
