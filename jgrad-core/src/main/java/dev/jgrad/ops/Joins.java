package dev.jgrad.ops;

import dev.jgrad.Tensor;

import java.util.List;

/** Joining, splitting and indexing: concat, stack, split, chunk, indexSelect, gather, pad. */
public final class Joins {
    private Joins() {
    }

    public static Tensor concat(int axis, Tensor[] tensors) {
        throw new UnsupportedOperationException("concat: not implemented yet");
    }

    public static Tensor stack(int axis, Tensor[] tensors) {
        throw new UnsupportedOperationException("stack: not implemented yet");
    }

    public static List<Tensor> split(Tensor x, int size, int axis) {
        throw new UnsupportedOperationException("split: not implemented yet");
    }

    public static List<Tensor> split(Tensor x, int[] sizes, int axis) {
        throw new UnsupportedOperationException("split: not implemented yet");
    }

    public static List<Tensor> chunk(Tensor x, int chunks, int axis) {
        throw new UnsupportedOperationException("chunk: not implemented yet");
    }

    public static Tensor indexSelect(Tensor x, int axis, int[] indices) {
        throw new UnsupportedOperationException("indexSelect: not implemented yet");
    }

    public static Tensor gather(Tensor x, int axis, Tensor index) {
        throw new UnsupportedOperationException("gather: not implemented yet");
    }

    public static Tensor pad(Tensor x, int[][] widths, double value) {
        throw new UnsupportedOperationException("pad: not implemented yet");
    }
}
