package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct matrix product for small operands, where packing would cost more than it saves: each row
 * of C is built a vector of columns at a time straight from B's rows (when B's columns are
 * contiguous), the rest column by column with scalar FMAs. Same results whichever path a column
 * takes: every element is one FMA chain over p in order.
 */
final class SmallMatmul {
    private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;

    private SmallMatmul() {
    }

    static void multiply(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                         float[] c, int cOff, int ldc, int m, int k, int n) {
        int vectorCols = bcs == 1 ? SF.loopBound(n) : 0;
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
            for (int j = vectorCols; j < n; j++) {
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
            for (int j = vectorCols; j < n; j++) {
                double acc = 0d;
                for (int p = 0, ap = ai, bp = bOff + j * bcs; p < k; p++, ap += acs, bp += brs) {
                    acc = Math.fma(a[ap], b[bp], acc);
                }
                c[ci + j] = acc;
            }
        }
    }
}
