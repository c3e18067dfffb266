package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.Kernels.Softmax;
import dev.jgrad.kernels.Parallel;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link dev.jgrad.kernels.Kernels#softmax} in double lanes: a slice along a contiguous last axis
 * (inner = 1) is a row, read with vectors along it; with inner &gt; 1 the slices are columns, and a
 * vector holds neighbouring columns, so each of the len rows is read in order. exp is
 * {@link DoublePoly#exp(DoubleVector)} (within 1 ulp of Math.exp; lanes beyond its range take
 * Math.exp). Rows are {@link SoftmaxRows}' and float32 column blocks {@link SoftmaxColumns}' (both
 * in float lanes). Rows (or blocks of columns) are shared among the kernel threads.
 */
final class SoftmaxLoops {
    private static final VectorSpecies<Double> S = DoubleLanes.S;
    private static final int L = S.length();
    /** Columns per block in the column form: a multiple of the vector length. */
    private static final int BLOCK = 8 * L;
    /** About this many elements per piece of work shared among threads. */
    private static final int GRAIN = 1 << 14;

    private SoftmaxLoops() {
    }

    static void run(Softmax mode, double[] x, int xOff, double[] out, int outer, int len, int inner, double[] w) {
        if (inner == 1) {
            Parallel.forPieces(outer, Math.max(1, 4 * GRAIN / Math.max(1, len)), Math.max(1, GRAIN / Math.max(1, len)), (from, to) -> {
                double[] lse = new double[to - from];
                SoftmaxRows.rows(mode, x, xOff + from * len, out, from * len, len, to - from, lse, w, from);
                if (mode == Softmax.LOG_SUM_EXP) {
                    System.arraycopy(lse, 0, out, from, to - from);
                }
            });
            return;
        }
        int blocks = (inner + BLOCK - 1) / BLOCK;
        Parallel.forPieces(outer * blocks, Math.max(1, 4 * GRAIN / Math.max(1, len * BLOCK)), 1, (from, to) -> {
            double[] m = new double[BLOCK];
            double[] s = new double[BLOCK];
            for (int p = from; p < to; p++) {
                int o = p / blocks;
                int j0 = (p % blocks) * BLOCK;
                int cols = Math.min(BLOCK, inner - j0);
                int lseAt = mode == Softmax.LOG_SUM_EXP ? o * inner + j0 : -1;
                columns(mode, x, xOff + o * len * inner + j0, inner, out, o * len * inner + j0, inner, len, cols, m, s, lseAt, w, o * inner + j0);
            }
        });
    }

    static void run(Softmax mode, float[] x, int xOff, float[] out, int outer, int len, int inner, double[] w) {
        if (inner == 1) {
            Parallel.forPieces(outer, Math.max(1, 4 * GRAIN / Math.max(1, len)), Math.max(1, GRAIN / Math.max(1, len)), (from, to) -> {
                double[] lse = new double[to - from];
                SoftmaxRows.rows(mode, x, xOff + from * len, out, from * len, len, to - from, lse, w, from);
                if (mode == Softmax.LOG_SUM_EXP) {
                    for (int o = from; o < to; o++) out[o] = (float) lse[o - from];
                }
            });
            return;
        }
        int blocks = (inner + BLOCK - 1) / BLOCK;
        Parallel.forPieces(outer * blocks, Math.max(1, 4 * GRAIN / Math.max(1, len * BLOCK)), 1, (from, to) -> {
            float[] shift = new float[BLOCK];
            double[] s = new double[BLOCK];
            for (int p = from; p < to; p++) {
                int o = p / blocks;
                int j0 = (p % blocks) * BLOCK;
                int cols = Math.min(BLOCK, inner - j0);
                int at = o * len * inner + j0;
                SoftmaxColumns.block(mode, x, xOff + at, inner, out, at, len, cols, shift, s, w, o * inner + j0, o * inner + j0);
            }
        });
    }

    /**
     * Columns [0, w) of the len × w block x[xo + k·ld + j]: per column m (left holding the shift) and
     * s = Σ exp(x − shift); SOFTMAX and LOG_SOFTMAX write out[oo + k·ldo + j]; LOG_SUM_EXP writes
     * log s + shift to out[lseAt + j]. SOFTMAX
     * multiplies column j by weights[wAt + j] when weights is not null ({@link dev.jgrad.kernels.Kernels#softmaxScaled}).
     */
    private static void columns(Softmax mode, double[] x, int xo, int ld, double[] out, int oo, int ldo, int len, int w,
                        double[] m, double[] s, int lseAt, double[] weights, int wAt) {
        int n = S.loopBound(w);
        java.util.Arrays.fill(m, 0, w, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(s, 0, w, 0);
        for (int k = 0; k < len; k++) {
            int xp = xo + k * ld;
            int j = 0;
            for (; j < n; j += L) {
                DoubleVector.fromArray(S, m, j).max(DoubleVector.fromArray(S, x, xp + j)).intoArray(m, j);
            }
            for (; j < w; j++) {
                m[j] = Math.max(m[j], x[xp + j]);
            }
        }
        for (int j = 0; j < w; j++) {
            if (Double.isInfinite(m[j])) m[j] = 0;
        }
        boolean store = mode == Softmax.SOFTMAX;
        for (int k = 0; k < len; k++) {
            int xp = xo + k * ld;
            int op = oo + k * ldo;
            int j = 0;
            for (; j < n; j += L) {
                DoubleVector a = DoubleVector.fromArray(S, x, xp + j).sub(DoubleVector.fromArray(S, m, j));
                boolean inside = a.abs().compare(VectorOperators.LE, DoublePoly.EXP_LIMIT).allTrue();
                DoubleVector e = DoublePoly.exp(a);
                if (!inside) {
                    double[] as = a.toArray();
                    double[] es = e.toArray();
                    for (int q = 0; q < L; q++) {
                        if (!(Math.abs(as[q]) <= DoublePoly.EXP_LIMIT)) es[q] = Math.exp(as[q]);
                    }
                    e = DoubleVector.fromArray(S, es, 0);
                }
                if (store) {
                    e.intoArray(out, op + j);
                }
                DoubleVector.fromArray(S, s, j).add(e).intoArray(s, j);
            }
            for (; j < w; j++) {
                double e = Math.exp(x[xp + j] - m[j]);
                if (store) {
                    out[op + j] = e;
                }
                s[j] += e;
            }
        }
        if (mode == Softmax.LOG_SUM_EXP) {
            for (int j = 0; j < w; j++) {
                out[lseAt + j] = Math.log(s[j]) + m[j];
            }
            return;
        }
        // s becomes weight/s (SOFTMAX; weight 1 without weights) or log s (LOG_SOFTMAX), applied row by row.
        for (int j = 0; j < w; j++) {
            s[j] = store ? (weights == null ? 1 : weights[wAt + j]) / s[j] : Math.log(s[j]);
        }
        for (int k = 0; k < len; k++) {
            int xp = xo + k * ld;
            int op = oo + k * ldo;
            int j = 0;
            for (; j < n; j += L) {
                DoubleVector f = DoubleVector.fromArray(S, s, j);
                if (store) {
                    DoubleVector.fromArray(S, out, op + j).mul(f).intoArray(out, op + j);
                } else {
                    DoubleVector.fromArray(S, x, xp + j).sub(DoubleVector.fromArray(S, m, j)).sub(f).intoArray(out, op + j);
                }
            }
            for (; j < w; j++) {
                out[op + j] = store ? out[op + j] * s[j] : (x[xp + j] - m[j]) - s[j];
            }
        }
    }
}
