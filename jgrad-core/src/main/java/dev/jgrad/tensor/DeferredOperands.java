package dev.jgrad.tensor;

import java.util.Arrays;

/**
 * How {@link Deferred} reads an operand of an element-wise op: in order (contiguous with the
 * output's shape, or pending itself), one element broadcast to every position, or a stored block
 * repeated along the output's leading axes. Anything else is computed up front by the kernels.
 */
final class DeferredOperands {
    /**
     * Shortest repeated operand read in place: each repetition inside a chunk is one kernel call,
     * so a shorter one (a handful of classes) is cheaper broadcast into a full array first.
     */
    static final int MIN_PERIOD = 128;

    private DeferredOperands() {
    }

    /** 1 for an operand read in order, 0 for a single element broadcast, -1 when it does not qualify. */
    static int stride(NDArray x, int[] shape) {
        boolean sameShape = Arrays.equals(x.shapeRef(), shape);
        if (sameShape && (x.isDeferred() || x.layout().isContiguous())) {
            return 1;
        }
        if (x.numel() == 1 && !x.isDeferred()) {
            return 0;
        }
        if (sameShape && allZero(x.layout().strides())) {
            return 0;
        }
        return -1;
    }

    /**
     * The length p ≥ {@link #MIN_PERIOD} of the block that {@code x} (stored, in its own shape),
     * broadcast to {@code shape}, repeats in row-major order — element i of the broadcast is
     * element i mod p of a contiguous run of x's storage — or 0 when it is not such a repetition
     * (broadcast along a trailing axis, strided, deferred, or too short).
     */
    static int period(NDArray x, int[] shape) {
        if (x.isDeferred()) {
            return 0;
        }
        int[] strides = x.broadcastTo(shape).layout().strides();
        int d = shape.length - 1;
        long p = 1;
        while (d >= 0 && (shape[d] == 1 || strides[d] == p)) {
            p *= shape[d];
            d--;
        }
        for (; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != 0) {
                return 0;
            }
        }
        return p >= MIN_PERIOD && p < Shapes.numel(shape) ? (int) p : 0;
    }

    private static boolean allZero(int[] strides) {
        for (int s : strides) {
            if (s != 0) {
                return false;
            }
        }
        return true;
    }
}
