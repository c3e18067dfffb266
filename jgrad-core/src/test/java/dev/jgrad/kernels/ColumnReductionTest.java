package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.jgrad.kernels.StridedViews.DTYPES;
import static dev.jgrad.kernels.StridedViews.assertSame;
import static dev.jgrad.kernels.StridedViews.assertWithin;
import static dev.jgrad.kernels.StridedViews.sentinel;

/**
 * Reductions down the rows of a contiguous block ({@code sum(0)}, {@code max(0)}: the SIMD set's
 * column strips and row-by-row remainder) against the scalar reference, bit for bit: both reduce
 * each column in row order. Widths on both sides of whole strips (a strip is 64 columns with
 * 512-bit vectors, 32 with 256-bit), enough columns and rows for the threaded split, a kept outer
 * axis, a storage offset; columns holding a NaN at one row, columns of ±0 mixed with negative (or
 * positive) numbers, where max (min) must give +0 (−0) when both zeros occur, and columns of ±∞.
 */
class ColumnReductionTest {
    private static final Kernels SCALAR = new ScalarKernels();
    private static Kernels simd;

    @BeforeAll
    static void simdKernels() {
        simd = StridedViews.simdKernelsOrSkip();
    }

    /**
     * Column j's pattern by j mod 7: plain; a NaN at one row; ±0 and negatives; ±0 and positives;
     * one −0 among +0; all +∞; all −∞ (a wrong starting value shows there).
     */
    private static double value(Random rnd, int row, int col, int rows) {
        return switch (col % 7) {
            case 0 -> -4 + 8 * rnd.nextDouble();
            case 1 -> row == (col * 7) % rows ? Double.NaN : -4 + 8 * rnd.nextDouble();
            case 2 -> rnd.nextInt(3) == 0 ? -1 - rnd.nextDouble() : rnd.nextBoolean() ? 0.0 : -0.0;
            case 3 -> rnd.nextInt(3) == 0 ? 1 + rnd.nextDouble() : rnd.nextBoolean() ? 0.0 : -0.0;
            case 4 -> row == (col * 3) % rows ? -0.0 : 0.0;
            case 5 -> Double.POSITIVE_INFINITY;
            default -> Double.NEGATIVE_INFINITY;
        };
    }

    @Test
    void columnReductionsMatchTheScalarKernelBitForBit() {
        Random rnd = new Random(21);
        int[][] blocks = {
            {1, 2, 63}, {1, 5, 64}, {1, 3, 127}, {1, 7, 128}, {1, 2, 129}, {1, 37, 200}, {1, 300, 256},
            {1, 300, 1000}, {1, 1100, 130}, {3, 40, 200}, {4, 9, 97},
        };
        for (DType dt : DTYPES) {
            for (int[] b : blocks) {
                for (int offset : new int[] {0, 5}) {
                    check(rnd, dt, b[0], b[1], b[2], offset);
                }
            }
        }
    }

    private static void check(Random rnd, DType dt, int outer, int rows, int inner, int offset) {
        int n = outer * rows * inner;
        Storage x = Storage.allocate(dt, offset + n);
        for (int o = 0; o < outer; o++) {
            for (int t = 0; t < rows; t++) {
                for (int j = 0; j < inner; j++) {
                    x.set(offset + (o * rows + t) * inner + j, value(rnd, t, j, rows));
                }
            }
        }
        int[] shape = {outer, rows, inner};
        Layout layout = new Layout(shape, Layout.contiguous(shape).strides(), offset);
        boolean[] axes = {false, true, false};
        for (Kernels.Reduction red : Kernels.Reduction.values()) {
            Storage want = sentinel(dt, outer * inner);
            Storage got = sentinel(dt, outer * inner);
            SCALAR.reduce(red, x, layout, axes, want);
            simd.reduce(red, x, layout, axes, got);
            for (int p = 0; p < outer * inner; p++) {
                int at = p;
                String where = red + " over rows of " + dt + " " + Arrays.toString(shape) + " offset " + offset
                        + ", column " + (p % inner) + " of block " + (p / inner);
                if (dt == DType.FLOAT64 && red == Kernels.Reduction.SUM_OF_SQUARES) {
                    // float64 squares: the vector lanes fuse v·v + acc, the scalar loop rounds twice.
                    assertWithin(want.get(p), got.get(p), 1e-13 * Math.abs(want.get(p)), () -> where);
                } else {
                    assertSame(want.get(p), got.get(p), () -> where);
                }
            }
        }
    }
}
