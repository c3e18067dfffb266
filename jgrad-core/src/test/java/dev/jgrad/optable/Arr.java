package dev.jgrad.optable;

import dev.jgrad.Tensor;

import java.util.Arrays;

/**
 * A plain row-major array (shape + doubles) for reference implementations: no strides, no views,
 * no autodiff, so the references share no code with the library under test.
 */
public record Arr(int[] shape, double[] data) {

    public Arr {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException("Arr: shape " + Arrays.toString(shape) + " needs " + numel(shape)
                    + " values, got " + data.length);
        }
    }

    public static Arr of(Tensor t) {
        return new Arr(t.shape(), t.toDoubleArray());
    }

    public static Arr zeros(int... shape) {
        return new Arr(shape, new double[numel(shape)]);
    }

    public static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    public int ndim() {
        return shape.length;
    }

    public int numel() {
        return data.length;
    }

    /** Multi-index of the {@code flat}-th element in row-major order. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Row-major position of a multi-index. */
    public static int ravel(int[] idx, int[] shape) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            flat = flat * shape[d] + idx[d];
        }
        return flat;
    }

    public double at(int... idx) {
        return data[ravel(idx, shape)];
    }

    /** The element a broadcast to {@code outIdx} (of a larger shape) reads: trailing axes align, size-1 axes repeat. */
    public double atBroadcast(int[] outIdx) {
        int lead = outIdx.length - shape.length;
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            flat = flat * shape[d] + (shape[d] == 1 ? 0 : outIdx[lead + d]);
        }
        return data[flat];
    }

    /** NumPy's broadcast of several shapes. */
    public static int[] broadcastShape(int[]... shapes) {
        int rank = 0;
        for (int[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            for (int d = 0; d < s.length; d++) {
                int o = rank - s.length + d;
                if (s[d] != 1) {
                    if (out[o] != 1 && out[o] != s[d]) {
                        throw new IllegalArgumentException("shapes do not broadcast");
                    }
                    out[o] = s[d];
                }
            }
        }
        return out;
    }

    /** Normalises a possibly negative axis. */
    public static int axis(int axis, int ndim) {
        return axis < 0 ? axis + ndim : axis;
    }
}
