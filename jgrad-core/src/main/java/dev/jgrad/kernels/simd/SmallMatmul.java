package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct matrix product for small operands, where packing would cost more than it saves: each row
 * of C is built a vector (then a half vector) of columns at a time straight from B's rows when
 * B's columns are contiguous, the rest column by column with scalar FMAs. Every element is one
 * FMA chain over p in order, whichever path its column takes.
 */
final class SmallMatmul {
    private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HF = VectorSpecies.of(float.class, VectorShape.forBitSize(SF.vectorBitSize() / 2));
    private static final VectorSpecies<Double> HD = VectorSpecies.of(double.class, VectorShape.forBitSize(SD.vectorBitSize() / 2));

    private SmallMatmul() {
    }

    static void multiply(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                         float[] c, int cOff, int ldc, int m, int k, int n) {
        int vectorCols = bcs == 1 ? SF.loopBound(n) : 0;
        // One half-width vector more when at least that many columns are left (e.g. 4×4 float on AVX2).
        int halfCols = bcs == 1 && n - vectorCols >= HF.length() ? vectorCols + HF.length() : vectorCols;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * ars;
            int ci = cOff + i * ldc;
            for (int j = 0; j < vectorCols; j += SF.length()) {
                FloatVector acc = FloatVector.zero(SF);
                for (int p = 0, ap = ai, bp = bOff + j; p < k; p++, ap += acs, bp += brs) {
                    acc = FloatVector.broadcast(SF, a[ap]).fma(FloatVector.fromArray(SF, b, bp), acc);
                }
                acc.intoArray(c, ci + j);
            }
            if (halfCols > vectorCols) {
                FloatVector acc = FloatVector.zero(HF);
                for (int p = 0, ap = ai, bp = bOff + vectorCols; p < k; p++, ap += acs, bp += brs) {
                    acc = FloatVector.broadcast(HF, a[ap]).fma(FloatVector.fromArray(HF, b, bp), acc);
                }
                acc.intoArray(c, ci + vectorCols);
            }
            for (int j = halfCols; j < n; j++) {
                float acc = 0f;
                for (int p = 0, ap = ai, bp = bOff + j * bcs; p < k; p++, ap += acs, bp += brs) {
                    acc = Math.fma(a[ap], b[bp], acc);
                }
                c[ci + j] = acc;
            }
        }
    }

    static void multiply(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
                         double[] c, int cOff, int ldc, int m, int k, int n) {
        int vectorCols = bcs == 1 ? SD.loopBound(n) : 0;
        // One half-width vector more when at least that many columns are left (e.g. 4×4 float on AVX2).
        int halfCols = bcs == 1 && n - vectorCols >= HD.length() ? vectorCols + HD.length() : vectorCols;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * ars;
            int ci = cOff + i * ldc;
            for (int j = 0; j < vectorCols; j += SD.length()) {
                DoubleVector acc = DoubleVector.zero(SD);
                for (int p = 0, ap = ai, bp = bOff + j; p < k; p++, ap += acs, bp += brs) {
                    acc = DoubleVector.broadcast(SD, a[ap]).fma(DoubleVector.fromArray(SD, b, bp), acc);
                }
                acc.intoArray(c, ci + j);
            }
            if (halfCols > vectorCols) {
                DoubleVector acc = DoubleVector.zero(HD);
                for (int p = 0, ap = ai, bp = bOff + vectorCols; p < k; p++, ap += acs, bp += brs) {
                    acc = DoubleVector.broadcast(HD, a[ap]).fma(DoubleVector.fromArray(HD, b, bp), acc);
                }
                acc.intoArray(c, ci + vectorCols);
            }
            for (int j = halfCols; j < n; j++) {
                double acc = 0d;
                for (int p = 0, ap = ai, bp = bOff + j * bcs; p < k; p++, ap += acs, bp += brs) {
                    acc = Math.fma(a[ap], b[bp], acc);
                }
                c[ci + j] = acc;
            }
        }
    }
}
