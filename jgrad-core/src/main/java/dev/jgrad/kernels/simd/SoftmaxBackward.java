package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.Kernels.Softmax;
import dev.jgrad.kernels.Parallel;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link dev.jgrad.kernels.Kernels#softmaxBackward} in double lanes (float32 widened on load and
 * rounded once on the store): per slice one pass for s (Σ g·y or Σ g) and one for the result, so y
 * and g are read twice and the result written once, instead of the four whole-tensor passes and
 * three temporaries of the tensor rule. A slice along a contiguous last axis is a row read with
 * vectors along it; otherwise blocks of {@link #BLOCK} neighbouring columns are taken together, one
 * row of the block at a time. g is read contiguously ({@code gStep} 1) or as one value
 * ({@code gStep} 0). Rows, or column blocks, are shared among the kernel threads. Each pass is its
 * own small method and takes no vectors as arguments (see {@link LoopHandles} for what C2 does with
 * several vector loops in one method).
 */
final class SoftmaxBackward {
    private static final VectorSpecies<Double> S = DoubleLanes.S;
    private static final int L = S.length();
    /** Columns per block in the column form: a multiple of the vector length. */
    private static final int BLOCK = 8 * L;
    /** About this many elements per piece of work shared among threads. */
    private static final int GRAIN = 1 << 14;

    private SoftmaxBackward() {
    }

    /** y, g and out are all {@code double[]} or all {@code float[]}. */
    static void run(Softmax mode, Object y, int yOff, Object g, int gOff, int gStep, Object out,
                    int outer, int len, int inner) {
        boolean soft = mode == Softmax.SOFTMAX;
        if (inner == 1) {
            Parallel.forPieces(outer, Math.max(1, 4 * GRAIN / Math.max(1, len)), Math.max(1, GRAIN / Math.max(1, len)), (from, to) -> {
                float[] e = soft || !(y instanceof float[]) ? null : new float[len];
                for (int r = from; r < to; r++) {
                    int at = r * len;
                    row(soft, y, yOff + at, g, gOff + gStep * at, gStep, out, at, len, e);
                }
            });
            return;
        }
        int blocks = (inner + BLOCK - 1) / BLOCK;
        Parallel.forPieces(outer * blocks, Math.max(1, 4 * GRAIN / Math.max(1, len * BLOCK)), 1, (from, to) -> {
            double[] s = new double[BLOCK];
            for (int p = from; p < to; p++) {
                int at = (p / blocks) * len * inner + (p % blocks) * BLOCK;
                int w = Math.min(BLOCK, inner - (p % blocks) * BLOCK);
                java.util.Arrays.fill(s, 0);
                for (int k = 0; k < len; k++) {
                    int i = at + k * inner;
                    columns(soft, true, y, yOff + i, g, gOff + gStep * i, gStep, out, i, w, s);
                }
                for (int k = 0; k < len; k++) {
                    int i = at + k * inner;
                    columns(soft, false, y, yOff + i, g, gOff + gStep * i, gStep, out, i, w, s);
                }
            }
        });
    }

    /** One row: s, then the result ({@code e}: float32 logSoftmax's scratch for exp). */
    private static void row(boolean soft, Object y, int yo, Object g, int go, int gStep, Object out, int oo, int len, float[] e) {
        if (y instanceof double[] yd) {
            double s = sum(soft, yd, yo, (double[]) g, go, gStep, len);
            if (soft) {
                softRow(yd, yo, (double[]) g, go, gStep, (double[]) out, oo, len, s);
            } else {
                logRow(yd, yo, (double[]) g, go, gStep, (double[]) out, oo, len, s);
            }
        } else {
            float[] yf = (float[]) y;
            double s = sum(soft, yf, yo, (float[]) g, go, gStep, len);
            if (soft) {
                softRow(yf, yo, (float[]) g, go, gStep, (float[]) out, oo, len, s);
            } else {
                logRow(yf, yo, (float[]) g, go, gStep, (float[]) out, oo, len, s, e);
            }
        }
    }

    /** One row of a column block: add to the sums s ({@code summing}), or write the result. */
    private static void columns(boolean soft, boolean summing, Object y, int yo, Object g, int go, int gStep, Object out,
                                int oo, int w, double[] s) {
        if (y instanceof double[] yd) {
            if (summing) {
                sums(soft, yd, yo, (double[]) g, go, gStep, w, s);
            } else if (soft) {
                softCols(yd, yo, (double[]) g, go, gStep, (double[]) out, oo, w, s);
            } else {
                logCols(yd, yo, (double[]) g, go, gStep, (double[]) out, oo, w, s);
            }
        } else {
            float[] yf = (float[]) y;
            if (summing) {
                sums(soft, yf, yo, (float[]) g, go, gStep, w, s);
            } else if (soft) {
                softCols(yf, yo, (float[]) g, go, gStep, (float[]) out, oo, w, s);
            } else {
                logCols(yf, yo, (float[]) g, go, gStep, (float[]) out, oo, w, s);
            }
        }
    }

    // ---- float64 ----

    /** Σ g·y (soft) or Σ g over a row of len, two vector accumulators. */
    private static double sum(boolean soft, double[] y, int yo, double[] g, int go, int gStep, int len) {
        int n = S.loopBound(len);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector a1 = DoubleVector.zero(S);
        int j = 0;
        for (; j + L < n; j += 2 * L) {
            DoubleVector g0 = gStep == 0 ? c : DoubleVector.fromArray(S, g, go + j);
            DoubleVector g1 = gStep == 0 ? c : DoubleVector.fromArray(S, g, go + j + L);
            a0 = soft ? g0.fma(DoubleVector.fromArray(S, y, yo + j), a0) : a0.add(g0);
            a1 = soft ? g1.fma(DoubleVector.fromArray(S, y, yo + j + L), a1) : a1.add(g1);
        }
        for (; j < n; j += L) {
            DoubleVector g0 = gStep == 0 ? c : DoubleVector.fromArray(S, g, go + j);
            a0 = soft ? g0.fma(DoubleVector.fromArray(S, y, yo + j), a0) : a0.add(g0);
        }
        double s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; j < len; j++) {
            double gj = g[go + gStep * j];
            s += soft ? gj * y[yo + j] : gj;
        }
        return s;
    }

    /** out = y·(g − s) along a row. */
    private static void softRow(double[] y, int yo, double[] g, int go, int gStep, double[] out, int oo, int len, double s) {
        int n = S.loopBound(len);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        DoubleVector sv = DoubleVector.broadcast(S, s);
        int j = 0;
        for (; j < n; j += L) {
            DoubleVector gv = gStep == 0 ? c : DoubleVector.fromArray(S, g, go + j);
            DoubleVector.fromArray(S, y, yo + j).mul(gv.sub(sv)).intoArray(out, oo + j);
        }
        for (; j < len; j++) {
            out[oo + j] = y[yo + j] * (g[go + gStep * j] - s);
        }
    }

    /** out = g − exp(y)·s along a row (a vector with a lane beyond {@link DoublePoly#exp}'s range, −∞ say, takes Math.exp). */
    private static void logRow(double[] y, int yo, double[] g, int go, int gStep, double[] out, int oo, int len, double s) {
        int n = S.loopBound(len);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        DoubleVector sv = DoubleVector.broadcast(S, s);
        int j = 0;
        for (; j < n; j += L) {
            DoubleVector yv = DoubleVector.fromArray(S, y, yo + j);
            if (!yv.abs().compare(VectorOperators.LE, DoublePoly.EXP_LIMIT).allTrue()) {
                for (int q = j; q < j + L; q++) {
                    out[oo + q] = g[go + gStep * q] - Math.exp(y[yo + q]) * s;
                }
                continue;
            }
            DoubleVector gv = gStep == 0 ? c : DoubleVector.fromArray(S, g, go + j);
            gv.sub(DoublePoly.exp(yv).mul(sv)).intoArray(out, oo + j);
        }
        for (; j < len; j++) {
            out[oo + j] = g[go + gStep * j] - Math.exp(y[yo + j]) * s;
        }
    }

    /** s[j] += g·y (soft) or g for the w columns of one row of a block. */
    private static void sums(boolean soft, double[] y, int yo, double[] g, int go, int gStep, int w, double[] s) {
        int n = S.loopBound(w);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        int j = 0;
        for (; j < n; j += L) {
            DoubleVector gv = gStep == 0 ? c : DoubleVector.fromArray(S, g, go + j);
            DoubleVector a = DoubleVector.fromArray(S, s, j);
            (soft ? gv.fma(DoubleVector.fromArray(S, y, yo + j), a) : a.add(gv)).intoArray(s, j);
        }
        for (; j < w; j++) {
            double gj = g[go + gStep * j];
            s[j] += soft ? gj * y[yo + j] : gj;
        }
    }

    /** out = y·(g − s[j]) for the w columns of one row of a block. */
    private static void softCols(double[] y, int yo, double[] g, int go, int gStep, double[] out, int oo, int w, double[] s) {
        int n = S.loopBound(w);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        int j = 0;
        for (; j < n; j += L) {
            DoubleVector gv = gStep == 0 ? c : DoubleVector.fromArray(S, g, go + j);
            DoubleVector.fromArray(S, y, yo + j).mul(gv.sub(DoubleVector.fromArray(S, s, j))).intoArray(out, oo + j);
        }
        for (; j < w; j++) {
            out[oo + j] = y[yo + j] * (g[go + gStep * j] - s[j]);
        }
    }

    /** out = g − exp(y)·s[j] for the w columns of one row of a block. */
    private static void logCols(double[] y, int yo, double[] g, int go, int gStep, double[] out, int oo, int w, double[] s) {
        int n = S.loopBound(w);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        int j = 0;
        for (; j < n; j += L) {
            DoubleVector yv = DoubleVector.fromArray(S, y, yo + j);
            if (!yv.abs().compare(VectorOperators.LE, DoublePoly.EXP_LIMIT).allTrue()) {
                for (int q = j; q < j + L; q++) {
                    out[oo + q] = g[go + gStep * q] - Math.exp(y[yo + q]) * s[q];
                }
                continue;
            }
            DoubleVector gv = gStep == 0 ? c : DoubleVector.fromArray(S, g, go + j);
            gv.sub(DoublePoly.exp(yv).mul(DoubleVector.fromArray(S, s, j))).intoArray(out, oo + j);
        }
        for (; j < w; j++) {
            out[oo + j] = g[go + gStep * j] - Math.exp(y[yo + j]) * s[j];
        }
    }

    // ---- float32: the same passes on widened halves, rounded once on the store ----

    private static double sum(boolean soft, float[] y, int yo, float[] g, int go, int gStep, int len) {
        int n = FloatWideLanes.HALF.loopBound(len);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector a1 = DoubleVector.zero(S);
        int j = 0;
        for (; j + L < n; j += 2 * L) {
            DoubleVector g0 = gStep == 0 ? c : FloatWideLanes.wide(g, go + j);
            DoubleVector g1 = gStep == 0 ? c : FloatWideLanes.wide(g, go + j + L);
            a0 = soft ? g0.fma(FloatWideLanes.wide(y, yo + j), a0) : a0.add(g0);
            a1 = soft ? g1.fma(FloatWideLanes.wide(y, yo + j + L), a1) : a1.add(g1);
        }
        for (; j < n; j += L) {
            DoubleVector g0 = gStep == 0 ? c : FloatWideLanes.wide(g, go + j);
            a0 = soft ? g0.fma(FloatWideLanes.wide(y, yo + j), a0) : a0.add(g0);
        }
        double s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; j < len; j++) {
            double gj = g[go + gStep * j];
            s += soft ? gj * y[yo + j] : gj;
        }
        return s;
    }

    private static void softRow(float[] y, int yo, float[] g, int go, int gStep, float[] out, int oo, int len, double s) {
        int n = FloatWideLanes.HALF.loopBound(len);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        DoubleVector sv = DoubleVector.broadcast(S, s);
        int j = 0;
        for (; j < n; j += L) {
            DoubleVector gv = gStep == 0 ? c : FloatWideLanes.wide(g, go + j);
            FloatWideLanes.narrow(FloatWideLanes.wide(y, yo + j).mul(gv.sub(sv)), out, oo + j);
        }
        for (; j < len; j++) {
            out[oo + j] = (float) (y[yo + j] * (g[go + gStep * j] - s));
        }
    }

    /**
     * out = g − exp(y)·s along a float32 row in float lanes: exp into {@code e} ({@link FloatPoly#exp},
     * lanes beyond its range patched with Math.exp), then one fma per element, rounded once.
     */
    private static void logRow(float[] y, int yo, float[] g, int go, int gStep, float[] out, int oo, int len, double s,
                               float[] e) {
        int n = FloatLanes.S.loopBound(len);
        FloatPoly.exp(y, yo, e, 0, n);
        FloatVector c = FloatVector.broadcast(FloatLanes.S, g[go]);
        FloatVector sv = FloatVector.broadcast(FloatLanes.S, (float) s);
        int j = 0;
        for (; j < n; j += FloatLanes.S.length()) {
            FloatVector gv = gStep == 0 ? c : FloatVector.fromArray(FloatLanes.S, g, go + j);
            FloatVector.fromArray(FloatLanes.S, e, j).neg().fma(sv, gv).intoArray(out, oo + j);
        }
        for (; j < len; j++) {
            out[oo + j] = (float) (g[go + gStep * j] - Math.exp(y[yo + j]) * s);
        }
    }

    private static void sums(boolean soft, float[] y, int yo, float[] g, int go, int gStep, int w, double[] s) {
        int n = FloatWideLanes.HALF.loopBound(w);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        int j = 0;
        for (; j < n; j += L) {
            DoubleVector gv = gStep == 0 ? c : FloatWideLanes.wide(g, go + j);
            DoubleVector a = DoubleVector.fromArray(S, s, j);
            (soft ? gv.fma(FloatWideLanes.wide(y, yo + j), a) : a.add(gv)).intoArray(s, j);
        }
        for (; j < w; j++) {
            double gj = g[go + gStep * j];
            s[j] += soft ? gj * y[yo + j] : gj;
        }
    }

    private static void softCols(float[] y, int yo, float[] g, int go, int gStep, float[] out, int oo, int w, double[] s) {
        int n = FloatWideLanes.HALF.loopBound(w);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        int j = 0;
        for (; j < n; j += L) {
            DoubleVector gv = gStep == 0 ? c : FloatWideLanes.wide(g, go + j);
            FloatWideLanes.narrow(FloatWideLanes.wide(y, yo + j).mul(gv.sub(DoubleVector.fromArray(S, s, j))), out, oo + j);
        }
        for (; j < w; j++) {
            out[oo + j] = (float) (y[yo + j] * (g[go + gStep * j] - s[j]));
        }
    }

    private static void logCols(float[] y, int yo, float[] g, int go, int gStep, float[] out, int oo, int w, double[] s) {
        int n = FloatWideLanes.HALF.loopBound(w);
        DoubleVector c = DoubleVector.broadcast(S, g[go]);
        int j = 0;
        for (; j < n; j += L) {
            DoubleVector yv = FloatWideLanes.wide(y, yo + j);
            if (!yv.abs().compare(VectorOperators.LE, DoublePoly.EXP_LIMIT).allTrue()) {
                for (int q = j; q < j + L; q++) {
                    out[oo + q] = (float) (g[go + gStep * q] - Math.exp(y[yo + q]) * s[q]);
                }
                continue;
            }
            DoubleVector gv = gStep == 0 ? c : FloatWideLanes.wide(g, go + j);
            FloatWideLanes.narrow(gv.sub(DoublePoly.exp(yv).mul(DoubleVector.fromArray(S, s, j))), out, oo + j);
        }
        for (; j < w; j++) {
            out[oo + j] = (float) (g[go + gStep * j] - Math.exp(y[yo + j]) * s[j]);
        }
    }
}
