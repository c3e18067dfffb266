package dev.jgrad.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by every layer: element counts, strides, broadcasting and axes. */
public final class Shapes {

    /** Largest element count a single Java array can hold on common JVMs. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Shapes() {
    }

    /** Element count of a shape, in checked long arithmetic; refuses shapes too large for one array. */
    public static int numel(int[] shape) {
        // Fast path for ordinary shapes: while n ≤ MAX_ELEMENTS < 2^31, n·d < 2^62 cannot overflow.
        long n = 1;
        for (int d : shape) {
            if (d <= 0 || n > MAX_ELEMENTS) {
                return fits(shape, numelLong(shape)); // zero, negative or huge sizes: the exact rules
            }
            n *= d;
        }
        return n > MAX_ELEMENTS ? fits(shape, numelLong(shape)) : (int) n;
    }

    /** {@link #numel(int[])} of an op's shape argument: null or bad shapes are refused naming {@code op}. */
    public static int numel(String op, int[] shape) {
        long n = numelLong(op, shape);
        try {
            return fits(shape, n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }

    private static int fits(int[] shape, long n) {
        if (n > MAX_ELEMENTS) {
            throw new IllegalArgumentException("shape " + str(shape) + " has " + n
                    + " elements, more than one Java array can hold (" + MAX_ELEMENTS + ")");
        }
        return (int) n;
    }

    /** {@link #numelLong(int[])} of an op's shape argument: null or bad shapes are refused naming {@code op}. */
    public static long numelLong(String op, int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException(op + ": shape must not be null");
        }
        try {
            return numelLong(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }

    /** Element count as a long; throws on negative dimensions or overflow of a long. */
    public static long numelLong(int[] shape) {
        boolean empty = false;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + str(shape) + " has a negative dimension " + d);
            }
            empty |= d == 0;
        }
        // A zero anywhere makes the count 0, even after sizes whose product alone would overflow.
        if (empty) {
            return 0;
        }
        long n = 1;
        for (int d : shape) {
            try {
                n = Math.multiplyExact(n, (long) d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more elements than a long can count", e);
            }
        }
        return n;
    }

    /** Row-major strides of a dense tensor of the given shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return strides;
    }

    /** NumPy broadcasting of two shapes; names the op and both shapes when they are incompatible. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast together (axis " + (i - n) + ": " + da + " vs " + db + ")");
            }
        }
        numel(out);
        return out;
    }

    /** True when {@code from} broadcasts to exactly {@code to}. */
    public static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return false;
        }
        int lead = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            if (from[i] != 1 && from[i] != to[lead + i]) {
                return false;
            }
        }
        return true;
    }

    /** Normalises a possibly negative axis against {@code ndim}; the message names op, shape and axis. */
    public static int axis(String op, int axis, int[] shape) {
        return axis(op, axis, shape.length, shape);
    }

    /** Normalises an axis for a tensor of rank {@code ndim} (e.g. ndim+1 for unsqueeze). */
    public static int axis(String op, int axis, int ndim, int[] shape) {
        if (axis < -ndim || axis >= ndim) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape "
                    + str(shape) + " (valid: " + (-ndim) + " to " + (ndim - 1) + ")");
        }
        return axis < 0 ? axis + ndim : axis;
    }

    /** Normalises a list of axes; no axes given means all axes. Duplicates are refused. */
    public static boolean[] axesMask(String op, int[] axes, int[] shape) {
        boolean[] mask = new boolean[shape.length];
        if (axes == null || axes.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int a : axes) {
            int d = axis(op, a, shape);
            if (mask[d]) {
                throw new IllegalArgumentException(op + ": axis " + a + " is repeated in " + Arrays.toString(axes)
                        + " for shape " + str(shape));
            }
            mask[d] = true;
        }
        return mask;
    }

    /** Shape with reduced axes kept as size 1 or removed. */
    public static int[] reducedShape(int[] shape, boolean[] mask, boolean keepDims) {
        int kept = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!mask[d] || keepDims) {
                kept++;
            }
        }
        int[] out = new int[kept];
        int j = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!mask[d]) {
                out[j++] = shape[d];
            } else if (keepDims) {
                out[j++] = 1;
            }
        }
        return out;
    }

    /** {@code [2, 3]} style rendering used in every error message. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
