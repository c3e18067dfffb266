package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.Parallel;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link dev.jgrad.kernels.Kernels#extremumBackward}: per slice one pass counting the elements
 * equal to the extreme and one writing g·share, in the dtype's own lanes (a float32 product of
 * g and the rounded share is the float64 product rounded once, as the definition's). A slice along
 * a contiguous last axis is a row read with vectors along it; otherwise blocks of {@link #BLOCK}
 * neighbouring columns are counted together (int lanes), one row of the block at a time. Rows,
 * or column blocks, are shared among the kernel threads. One small method per loop (see
 * {@link LoopHandles} for what C2 does with several vector loops in one method).
 */
final class ExtremumBackward {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Int lanes as many as F's and D's, for the column counts. */
    private static final VectorSpecies<Integer> FI = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Integer> DI = VectorSpecies.of(int.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    /** Columns per block in the column form. */
    private static final int BLOCK = 128;
    /** About this many elements per piece of work shared among threads. */
    private static final int GRAIN = 1 << 14;

    private ExtremumBackward() {
    }

    /** x, y, g and out are all {@code double[]} or all {@code float[]}. */
    static void run(Object x, int xOff, Object y, int yOff, Object g, int gOff, int gStep, Object out,
                    int outer, int len, int inner) {
        boolean f32 = out instanceof float[];
        if (inner == 1) {
            Parallel.forPieces(outer, Math.max(1, 4 * GRAIN / Math.max(1, len)), Math.max(1, GRAIN / Math.max(1, len)), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int at = r * len;
                    if (f32) {
                        float[] xf = (float[]) x;
                        float m = ((float[]) y)[yOff + r];
                        int count = count(xf, xOff + at, len, m);
                        float gv = ((float[]) g)[gOff + gStep * r];
                        write(xf, xOff + at, len, m, gv, (float) (1.0 / count), (float) (0.0 / count), (float[]) out, at);
                    } else {
                        double[] xd = (double[]) x;
                        double m = ((double[]) y)[yOff + r];
                        int count = count(xd, xOff + at, len, m);
                        double gv = ((double[]) g)[gOff + gStep * r];
                        write(xd, xOff + at, len, m, gv, 1.0 / count, 0.0 / count, (double[]) out, at);
                    }
                }
            });
            return;
        }
        int blocks = (inner + BLOCK - 1) / BLOCK;
        Parallel.forPieces(outer * blocks, Math.max(1, 4 * GRAIN / Math.max(1, len * BLOCK)), 1, (from, to) -> {
            int[] counts = new int[BLOCK];
            double[] hit = f32 ? null : new double[BLOCK];
            double[] miss = f32 ? null : new double[BLOCK];
            float[] hitF = f32 ? new float[BLOCK] : null;
            float[] missF = f32 ? new float[BLOCK] : null;
            for (int p = from; p < to; p++) {
                int o = p / blocks;
                int j0 = (p % blocks) * BLOCK;
                int w = Math.min(BLOCK, inner - j0);
                int at = o * len * inner + j0;
                int yAt = yOff + o * inner + j0;
                int gAt = gOff + gStep * (o * inner + j0);
                java.util.Arrays.fill(counts, 0);
                for (int k = 0; k < len; k++) {
                    if (f32) {
                        countColumns((float[]) x, xOff + at + k * inner, (float[]) y, yAt, w, counts);
                    } else {
                        countColumns((double[]) x, xOff + at + k * inner, (double[]) y, yAt, w, counts);
                    }
                }
                for (int j = 0; j < w; j++) {
                    // The shares, rounded to the dtype.
                    if (f32) {
                        hitF[j] = (float) (1.0 / counts[j]);
                        missF[j] = (float) (0.0 / counts[j]);
                    } else {
                        hit[j] = 1.0 / counts[j];
                        miss[j] = 0.0 / counts[j];
                    }
                }
                for (int k = 0; k < len; k++) {
                    if (f32) {
                        writeColumns((float[]) x, xOff + at + k * inner, (float[]) y, yAt, (float[]) g, gAt, gStep, w, hitF, missF,
                                (float[]) out, at + k * inner);
                    } else {
                        writeColumns((double[]) x, xOff + at + k * inner, (double[]) y, yAt, (double[]) g, gAt, gStep, w, hit, miss,
                                (double[]) out, at + k * inner);
                    }
                }
            }
        });
    }

    private static int count(float[] x, int xo, int len, float m) {
        int c = 0;
        int i = 0;
        for (; i <= len - F.length(); i += F.length()) {
            c += FloatVector.fromArray(F, x, xo + i).compare(VectorOperators.EQ, m).trueCount();
        }
        for (; i < len; i++) {
            c += x[xo + i] == m ? 1 : 0;
        }
        return c;
    }

    private static int count(double[] x, int xo, int len, double m) {
        int c = 0;
        int i = 0;
        for (; i <= len - D.length(); i += D.length()) {
            c += DoubleVector.fromArray(D, x, xo + i).compare(VectorOperators.EQ, m).trueCount();
        }
        for (; i < len; i++) {
            c += x[xo + i] == m ? 1 : 0;
        }
        return c;
    }

    private static void write(float[] x, int xo, int len, float m, float gv, float hit, float miss, float[] out, int oo) {
        FloatVector h = FloatVector.broadcast(F, hit);
        FloatVector z = FloatVector.broadcast(F, miss);
        int i = 0;
        for (; i <= len - F.length(); i += F.length()) {
            VectorMask<Float> eq = FloatVector.fromArray(F, x, xo + i).compare(VectorOperators.EQ, m);
            z.blend(h, eq).mul(gv).intoArray(out, oo + i);
        }
        for (; i < len; i++) {
            out[oo + i] = gv * (x[xo + i] == m ? hit : miss);
        }
    }

    private static void write(double[] x, int xo, int len, double m, double gv, double hit, double miss, double[] out, int oo) {
        DoubleVector h = DoubleVector.broadcast(D, hit);
        DoubleVector z = DoubleVector.broadcast(D, miss);
        int i = 0;
        for (; i <= len - D.length(); i += D.length()) {
            VectorMask<Double> eq = DoubleVector.fromArray(D, x, xo + i).compare(VectorOperators.EQ, m);
            z.blend(h, eq).mul(gv).intoArray(out, oo + i);
        }
        for (; i < len; i++) {
            out[oo + i] = gv * (x[xo + i] == m ? hit : miss);
        }
    }

    private static void countColumns(float[] x, int xo, float[] y, int yo, int w, int[] counts) {
        int j = 0;
        for (; j <= w - F.length(); j += F.length()) {
            VectorMask<Float> eq = FloatVector.fromArray(F, x, xo + j).compare(VectorOperators.EQ, FloatVector.fromArray(F, y, yo + j));
            IntVector.fromArray(FI, counts, j).add(1, eq.cast(FI)).intoArray(counts, j);
        }
        for (; j < w; j++) {
            counts[j] += x[xo + j] == y[yo + j] ? 1 : 0;
        }
    }

    private static void countColumns(double[] x, int xo, double[] y, int yo, int w, int[] counts) {
        int j = 0;
        for (; j <= w - D.length(); j += D.length()) {
            VectorMask<Double> eq = DoubleVector.fromArray(D, x, xo + j).compare(VectorOperators.EQ, DoubleVector.fromArray(D, y, yo + j));
            IntVector.fromArray(DI, counts, j).add(1, eq.cast(DI)).intoArray(counts, j);
        }
        for (; j < w; j++) {
            counts[j] += x[xo + j] == y[yo + j] ? 1 : 0;
        }
    }

    private static void writeColumns(float[] x, int xo, float[] y, int yo, float[] g, int go, int gStep, int w, float[] hit,
                                     float[] miss, float[] out, int oo) {
        int j = 0;
        for (; j <= w - F.length(); j += F.length()) {
            VectorMask<Float> eq = FloatVector.fromArray(F, x, xo + j).compare(VectorOperators.EQ, FloatVector.fromArray(F, y, yo + j));
            FloatVector gv = gStep == 0 ? FloatVector.broadcast(F, g[go]) : FloatVector.fromArray(F, g, go + j);
            FloatVector.fromArray(F, miss, j).blend(FloatVector.fromArray(F, hit, j), eq).mul(gv).intoArray(out, oo + j);
        }
        for (; j < w; j++) {
            out[oo + j] = g[go + gStep * j] * (x[xo + j] == y[yo + j] ? hit[j] : miss[j]);
        }
    }

    private static void writeColumns(double[] x, int xo, double[] y, int yo, double[] g, int go, int gStep, int w, double[] hit,
                                     double[] miss, double[] out, int oo) {
        int j = 0;
        for (; j <= w - D.length(); j += D.length()) {
            VectorMask<Double> eq = DoubleVector.fromArray(D, x, xo + j).compare(VectorOperators.EQ, DoubleVector.fromArray(D, y, yo + j));
            DoubleVector gv = gStep == 0 ? DoubleVector.broadcast(D, g[go]) : DoubleVector.fromArray(D, g, go + j);
            DoubleVector.fromArray(D, miss, j).blend(DoubleVector.fromArray(D, hit, j), eq).mul(gv).intoArray(out, oo + j);
        }
        for (; j < w; j++) {
            out[oo + j] = g[go + gStep * j] * (x[xo + j] == y[yo + j] ? hit[j] : miss[j]);
        }
    }
}
