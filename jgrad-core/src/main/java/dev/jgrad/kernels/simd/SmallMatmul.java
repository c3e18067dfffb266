package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct matrix product for small operands, where packing would cost more than it saves: C is
 * built four rows and a vector of columns at a time (then row by row, a half vector, and the rest
 * column by column with scalar FMAs) straight from B's rows when B's columns are contiguous.
 * Every element is one FMA chain over p in order, whichever path its column takes.
 */
final class SmallMatmul {
    static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HF = VectorSpecies.of(float.class, VectorShape.forBitSize(SF.vectorBitSize() / 2));
    private static final VectorSpecies<Double> HD = VectorSpecies.of(double.class, VectorShape.forBitSize(SD.vectorBitSize() / 2));

    private SmallMatmul() {
    }

    static void multiply(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                         float[] c, int cOff, int ldc, int m, int k, int n) {
        int vectorCols = bcs == 1 ? SF.loopBound(n) : 0;
        // One half-width vector more when at least that many columns are left (e.g. 4×4 float on AVX2).
        int halfCols = bcs == 1 && n - vectorCols >= HF.length() ? vectorCols + HF.length() : vectorCols;
        int rows4 = vectorCols > 0 ? m - m % 4 : 0;
        for (int i = 0; i < rows4; i += 4) {
            // Four rows at a time: four independent FMA chains per vector of B read (one chain
            // alone waits out the FMA latency at every step: 16×16 float ~2× slower).
            int a0 = aOff + i * ars;
            int c0 = cOff + i * ldc;
            for (int j = 0; j < vectorCols; j += SF.length()) {
                FloatVector acc0 = FloatVector.zero(SF);
                FloatVector acc1 = FloatVector.zero(SF);
                FloatVector acc2 = FloatVector.zero(SF);
                FloatVector acc3 = FloatVector.zero(SF);
                for (int p = 0, ap = a0, bp = bOff + j; p < k; p++, ap += acs, bp += brs) {
                    FloatVector bv = FloatVector.fromArray(SF, b, bp);
                    acc0 = FloatVector.broadcast(SF, a[ap]).fma(bv, acc0);
                    acc1 = FloatVector.broadcast(SF, a[ap + ars]).fma(bv, acc1);
                    acc2 = FloatVector.broadcast(SF, a[ap + 2 * ars]).fma(bv, acc2);
                    acc3 = FloatVector.broadcast(SF, a[ap + 3 * ars]).fma(bv, acc3);
                }
                acc0.intoArray(c, c0 + j);
                acc1.intoArray(c, c0 + ldc + j);
                acc2.intoArray(c, c0 + 2 * ldc + j);
                acc3.intoArray(c, c0 + 3 * ldc + j);
            }
        }
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * ars;
            int ci = cOff + i * ldc;
            for (int j = i < rows4 ? vectorCols : 0; j < vectorCols; j += SF.length()) {
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
        int rows4 = vectorCols > 0 ? m - m % 4 : 0;
        for (int i = 0; i < rows4; i += 4) {
            // Four rows at a time: four independent FMA chains per vector of B read (one chain
            // alone waits out the FMA latency at every step: 16×16 float ~2× slower).
            int a0 = aOff + i * ars;
            int c0 = cOff + i * ldc;
            for (int j = 0; j < vectorCols; j += SD.length()) {
                DoubleVector acc0 = DoubleVector.zero(SD);
                DoubleVector acc1 = DoubleVector.zero(SD);
                DoubleVector acc2 = DoubleVector.zero(SD);
                DoubleVector acc3 = DoubleVector.zero(SD);
                for (int p = 0, ap = a0, bp = bOff + j; p < k; p++, ap += acs, bp += brs) {
                    DoubleVector bv = DoubleVector.fromArray(SD, b, bp);
                    acc0 = DoubleVector.broadcast(SD, a[ap]).fma(bv, acc0);
                    acc1 = DoubleVector.broadcast(SD, a[ap + ars]).fma(bv, acc1);
                    acc2 = DoubleVector.broadcast(SD, a[ap + 2 * ars]).fma(bv, acc2);
                    acc3 = DoubleVector.broadcast(SD, a[ap + 3 * ars]).fma(bv, acc3);
                }
                acc0.intoArray(c, c0 + j);
                acc1.intoArray(c, c0 + ldc + j);
                acc2.intoArray(c, c0 + 2 * ldc + j);
                acc3.intoArray(c, c0 + 3 * ldc + j);
            }
        }
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * ars;
            int ci = cOff + i * ldc;
            for (int j = i < rows4 ? vectorCols : 0; j < vectorCols; j += SD.length()) {
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
