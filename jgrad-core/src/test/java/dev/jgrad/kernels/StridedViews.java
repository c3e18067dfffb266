package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.kernels.simd.SimdKernels;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Shapes;
import dev.jgrad.tensor.Storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fixtures for {@link KernelsContractTest}: strided views of every layout kind the ops produce
 * over storages full of known values (garbage outside the view, so a stray read shows), the
 * reference row-major walk, and bit-exact / tolerance assertions that name the failing case.
 */
final class StridedViews {
    /** Lengths around vector widths and unroll factors. */
    static final int[] LENGTHS = {0, 1, 3, 7, 8, 13, 31, 1023, 4098};
    static final DType[] DTYPES = {DType.FLOAT64, DType.FLOAT32};
    /** Written into outputs before a kernel runs: an element the kernel forgets keeps it. */
    static final double SENTINEL = -7777.25;

    private StridedViews() {
    }

    /** How a view's elements sit in its storage. */
    enum Kind {
        CONTIGUOUS, OFFSET, TRANSPOSED, STEP2, STEP3, BROADCAST_OUTER, BROADCAST_INNER;

        /** Broadcast views alias elements, so they are never written through. */
        boolean writable() {
            return this != BROADCAST_OUTER && this != BROADCAST_INNER;
        }
    }

    /** A strided view and its elements' storage positions in row-major order. */
    record View(String label, Storage storage, Layout layout, int[] positions) {
        double at(int i) {
            return storage.get(positions[i]);
        }

        int numel() {
            return positions.length;
        }

        int[] shape() {
            return layout.shape();
        }
    }

    /** The layout of {@code kind} over {@code shape} (0-d and empty shapes included). */
    static Layout layout(Kind kind, int[] shape) {
        int r = shape.length;
        int[] strides = new int[r];
        switch (kind) {
            case CONTIGUOUS, OFFSET -> strides = Shapes.contiguousStrides(shape);
            case TRANSPOSED -> {
                // Row-major over the reversed shape, read in the original axis order (a permute).
                int s = 1;
                for (int d = 0; d < r; d++) {
                    strides[d] = s;
                    s *= Math.max(shape[d], 1);
                }
            }
            case STEP2 -> {
                // Step-2 slices on every axis.
                int s = 2;
                for (int d = r - 1; d >= 0; d--) {
                    strides[d] = s;
                    s *= Math.max(shape[d], 1) * 2;
                }
            }
            case STEP3 -> {
                // Step-3 slice of the last axis only (rows start 3·len apart).
                strides = Shapes.contiguousStrides(shape);
                for (int d = 0; d < r; d++) {
                    strides[d] *= 3;
                }
            }
            case BROADCAST_OUTER, BROADCAST_INNER -> {
                int axis = kind == Kind.BROADCAST_OUTER ? 0 : r - 1;
                int[] one = shape.clone();
                if (r > 0) {
                    one[axis] = 1;
                }
                strides = Shapes.contiguousStrides(one);
                if (r > 0) {
                    strides[axis] = 0;
                }
            }
        }
        int offset = switch (kind) {
            case CONTIGUOUS -> 0;
            case OFFSET -> 5;
            default -> kind.ordinal() % 3 + 1;
        };
        return new Layout(shape.clone(), strides, offset);
    }

    /** A view of {@code kind} whose whole storage (view and gaps) is filled from {@code values}. */
    static View view(Kind kind, int[] shape, DType dtype, DoubleSupplier values) {
        Layout l = layout(kind, shape);
        int[] pos = positions(l);
        int last = l.offset();
        for (int p : pos) {
            last = Math.max(last, p);
        }
        Storage s = Storage.allocate(dtype, last + 3);
        for (int i = 0; i < s.length(); i++) {
            s.set(i, values.getAsDouble());
        }
        return new View(kind + " " + Arrays.toString(shape) + " " + dtype, s, l, pos);
    }

    /** Storage positions of {@code l}'s elements in row-major order (an independent odometer). */
    static int[] positions(Layout l) {
        int[] shape = l.shape();
        int n = Shapes.numel(shape);
        int[] out = new int[n];
        int[] index = new int[shape.length];
        for (int i = 0; i < n; i++) {
            out[i] = l.indexOf(index);
            for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) {
                index[d] = 0;
            }
        }
        return out;
    }

    /** The multi-index of row-major position {@code flat} in {@code shape}. */
    static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    /**
     * The SIMD kernel set for a test that compares it with the scalar one; the test is skipped when
     * the vector module is not loaded, or in the run that forces scalar kernels (it builds both
     * sets itself, so that run has nothing to add).
     */
    static Kernels simdKernelsOrSkip() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "vector module not loaded");
        assumeTrue(!"scalar".equals(System.getProperty("jgrad.kernels")), "scalar kernels forced");
        return new SimdKernels();
    }

    /** A storage of {@code n} elements all equal to {@link #SENTINEL}. */
    static Storage sentinel(DType dtype, int n) {
        Storage s = Storage.allocate(dtype, n);
        for (int i = 0; i < n; i++) {
            s.set(i, SENTINEL);
        }
        return s;
    }

    /** The double result as the output dtype stores it. */
    static double rounded(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? (double) (float) v : v;
    }

    /**
     * Shapes for element-wise kernels: 0-d, each length as a vector and as two rows, and the short
     * lengths as a column count of 3 (many short rows; long ones would only cost time).
     */
    static List<int[]> elementwiseShapes() {
        List<int[]> shapes = new ArrayList<>();
        shapes.add(new int[0]);
        for (int n : LENGTHS) {
            shapes.add(new int[] {n});
            shapes.add(new int[] {2, n});
            if (n < 100) {
                shapes.add(new int[] {n, 3});
            }
        }
        return shapes;
    }

    static DoubleSupplier uniform(Random rnd, double lo, double hi) {
        return () -> lo + (hi - lo) * rnd.nextDouble();
    }

    /** Half small multiples of ½ (ties, exact powers, ±0), half uniform in [-3, 3]. */
    static DoubleSupplier tiesAndUniform(Random rnd) {
        return () -> rnd.nextBoolean() ? (rnd.nextInt(9) - 4) * 0.5 * (rnd.nextInt(8) == 0 ? -1 : 1)
                : -3 + 6 * rnd.nextDouble();
    }

    /** Bit-equal (NaN equals NaN, +0 differs from −0). */
    static void assertSame(double expected, double actual, Supplier<String> where) {
        if (Double.compare(expected, actual) != 0) {
            fail(where.get() + ": expected " + expected + " but was " + actual);
        }
    }

    /** Within {@code tol}; non-finite expectations must match exactly. */
    static void assertWithin(double expected, double actual, double tol, Supplier<String> where) {
        boolean ok = Double.isFinite(expected) ? Math.abs(actual - expected) <= tol
                : Double.compare(expected, actual) == 0;
        if (!ok) {
            fail(where.get() + ": expected " + expected + " ± " + tol + " but was " + actual);
        }
    }

    /**
     * Within {@code bound} units in the last place of {@code dtype}; bit-equal when the bound is 0
     * and when the expectation is NaN, ±inf or ±0 (the special cases keep their exact value and sign).
     */
    static void assertUlps(DType dtype, double expected, double actual, long bound, Supplier<String> where) {
        if (bound == 0 || !Double.isFinite(expected) || expected == 0 || Double.isNaN(actual)) {
            assertSame(expected, actual, where);
            return;
        }
        long distance = dtype == DType.FLOAT32 ? Math.abs(ordered((float) expected) - ordered((float) actual))
                : Math.abs(ordered(expected) - ordered(actual));
        if (distance > bound) {
            fail(where.get() + ": expected " + expected + " within " + bound + " ulp but was " + actual
                    + " (" + distance + " ulp)");
        }
    }

    /** The bits of {@code v} as a number that grows with {@code v}, one step per representable value. */
    private static long ordered(double v) {
        long bits = Double.doubleToLongBits(v);
        return bits < 0 ? Long.MIN_VALUE - bits : bits;
    }

    private static long ordered(float v) {
        int bits = Float.floatToIntBits(v);
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }
}
