package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.Kernels.Reduction;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Storage;

/**
 * SUM/MAX/MIN/SUM_OF_SQUARES of a contiguous tensor whose reduced axes form one block: seen as
 * [outer (kept), r (reduced), inner (kept)], each output is either a contiguous range reduced in
 * vector lanes (inner = 1) or columns reduced down r rows ({@link ColumnStrips}, inner &gt; 1).
 * Sums accumulate in double (float32 widened; squares taken there, with one fma), as the scalar
 * kernel does; max/min propagate NaN.
 */
final class SimdReductions {
    private SimdReductions() {
    }

    /** Reduces when the layout fits the pattern above and returns true; false leaves it to the scalar kernel. */
    static boolean reduce(Reduction kind, Storage x, Layout lx, boolean[] axes, Storage out) {
        int n = lx.numel();
        if (n == 0 || !lx.isContiguous()) {
            return false;
        }
        // Merge the non-trivial axes into groups [outer][r][inner]; a second reduced block is not handled.
        long[] sizes = {1, 1, 1};
        int group = 0;
        for (int d = 0; d < axes.length; d++) {
            int size = lx.shape()[d];
            if (size == 1) {
                continue;
            }
            int g = axes[d] ? 1 : (group == 0 ? 0 : 2);
            if (g < group) {
                return false;
            }
            group = g;
            sizes[g] *= size;
        }
        if (sizes[1] == 1) {
            return false;
        }
        int outer = (int) sizes[0];
        int r = (int) sizes[1];
        int inner = (int) sizes[2];
        double init = kind == Reduction.MAX ? Double.NEGATIVE_INFINITY : kind == Reduction.MIN ? Double.POSITIVE_INFINITY : 0.0;
        int off = lx.offset();
        if (inner == 1) {
            if (outer == 1) {
                out.set(0, whole(kind, x, off, r, init));
            } else {
                Parallel.forRange(outer, Math.max(1, SimdKernels.MIN_CHUNK / r), (from, to) -> {
                    for (int o = from; o < to; o++) {
                        out.set(o, range(kind, x, off + o * r, r, init));
                    }
                });
            }
            return true;
        }
        // Columns split across threads in units of whole strips when there are enough of them;
        // each thread reduces its columns down all r rows.
        int unit = inner >= 2 * ColumnStrips.W ? ColumnStrips.W : DoubleLanes.S.length();
        int units = (inner + unit - 1) / unit;
        int grain = (int) Math.max(1, SimdKernels.MIN_CHUNK / ((long) r * unit));
        for (int o = 0; o < outer; o++) {
            int base = off + o * r * inner;
            int ob = o * inner;
            Parallel.forRange(units, grain, (from, to) ->
                    ColumnStrips.reduce(kind, x, base, r, inner, from * unit, Math.min(inner, to * unit), out, ob, init));
        }
        return true;
    }

    /** One contiguous range reduced; long ranges in per-thread pieces combined in order. */
    private static double whole(Reduction kind, Storage x, int p, int len, double init) {
        int pieces = Math.max(1, Math.min(Parallel.threads(), len / SimdKernels.MIN_CHUNK));
        double[] partial = new double[pieces];
        Parallel.forRange(pieces, 1, (from, to) -> {
            for (int q = from; q < to; q++) {
                int a = (int) ((long) len * q / pieces);
                int b = (int) ((long) len * (q + 1) / pieces);
                partial[q] = range(kind, x, p + a, b - a, init);
            }
        });
        double r = init;
        for (double v : partial) {
            r = kind == Reduction.MAX ? Math.max(r, v) : kind == Reduction.MIN ? Math.min(r, v) : r + v;
        }
        return r;
    }

    private static double range(Reduction kind, Storage x, int p, int len, double init) {
        if (x instanceof Storage.F64(double[] xs, _)) {
            return switch (kind) {
                case SUM -> DoubleLanes.sum(xs, p, len);
                case SUM_OF_SQUARES -> DoubleLanes.sumOfSquares(xs, p, len);
                case MAX, MIN -> DoubleLanes.extreme(kind == Reduction.MAX, xs, p, len, init);
            };
        }
        float[] xs = ((Storage.F32) x).data();
        return switch (kind) {
            case SUM -> FloatLanes.sum(xs, p, len);
            case SUM_OF_SQUARES -> FloatLanes.sumOfSquares(xs, p, len);
            case MAX, MIN -> FloatLanes.extreme(kind == Reduction.MAX, xs, p, len, init);
        };
    }
}
