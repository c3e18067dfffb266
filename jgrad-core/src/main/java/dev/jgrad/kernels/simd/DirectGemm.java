package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products of row-major operands that fit in cache, without packing, on machines with
 * 512-bit vectors ({@link GemmF32#WIDE}): the 4-row × 4-vector register tile reads B's rows and A's
 * elements where they are stored. With that tile the micro-kernel runs near the core's peak, and
 * packing A and B became the largest cost of a small product: n = 64 on one Zen 4 core, float64
 * ~44 → ~52 GFLOP/s, float32 ~95 → ~108 (alternating runs, one thread). Column panels of B go
 * outermost, so one panel ({@code k × 4} vectors) stays in cache while every row tile of A passes
 * over it. Only for n a multiple of the tile's width (as for {@link GemmF32#WIDE_NR}): a partial last panel,
 * computed whole or with masked loads, cost more than packing (masked loads that reach past the
 * end of an array leave the JIT's fast path: a 96 × 96 float32 product ran at 2 GFLOP/s). The
 * rows left below the last whole row tile repeat A's last row (computed, not stored). No helper
 * methods take or return vectors (see {@link GemmF32#kernel}).
 */
final class DirectGemm {
    private static final VectorSpecies<Float> F = GemmF32.S;
    private static final int FL = GemmF32.L;
    private static final int FNR = 4 * FL;
    private static final VectorSpecies<Double> D = GemmF64.S;
    private static final int DL = GemmF64.L;
    private static final int DNR = 4 * DL;
    static final int MR = 4;

    private DirectGemm() {
    }


    /**
     * C[i][j] = Σ_p A[i][p]·B[p][j], A at {@code aOff + i·lda + p}, B at {@code bOff + p·ldb + j}
     * and C at {@code cOff + i·ldc + j}; k ≥ 1 and n a multiple of 4 vectors.
     */
    static void f32(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, int m, int k, int n) {
        int rows = m - m % MR;
        for (int j = 0; j < n; j += FNR) {
            for (int i = 0; i < rows; i += MR) {
                // Whole tiles, inline: through the general tile method below (its row clamping and
                // conditional stores) n = 64 float32 ran at ~97 instead of ~108 GFLOP/s.
                int a0 = aOff + i * lda;
                int a1 = a0 + lda;
                int a2 = a1 + lda;
                int a3 = a2 + lda;
                FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
                FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
                FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F), c23 = FloatVector.zero(F);
                FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F), c33 = FloatVector.zero(F);
                for (int p = 0, bp = bOff + j; p < k; p++, bp += ldb) {
                    FloatVector b0 = FloatVector.fromArray(F, b, bp);
                    FloatVector b1 = FloatVector.fromArray(F, b, bp + FL);
                    FloatVector b2 = FloatVector.fromArray(F, b, bp + 2 * FL);
                    FloatVector b3 = FloatVector.fromArray(F, b, bp + 3 * FL);
                    FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    c02 = x.fma(b2, c02);
                    c03 = x.fma(b3, c03);
                    x = FloatVector.broadcast(F, a[a1 + p]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    c12 = x.fma(b2, c12);
                    c13 = x.fma(b3, c13);
                    x = FloatVector.broadcast(F, a[a2 + p]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    c22 = x.fma(b2, c22);
                    c23 = x.fma(b3, c23);
                    x = FloatVector.broadcast(F, a[a3 + p]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                    c32 = x.fma(b2, c32);
                    c33 = x.fma(b3, c33);
                }
                int o = cOff + i * ldc + j;
                c00.intoArray(c, o);
                c01.intoArray(c, o + FL);
                c02.intoArray(c, o + 2 * FL);
                c03.intoArray(c, o + 3 * FL);
                c10.intoArray(c, o + ldc);
                c11.intoArray(c, o + ldc + FL);
                c12.intoArray(c, o + ldc + 2 * FL);
                c13.intoArray(c, o + ldc + 3 * FL);
                c20.intoArray(c, o + 2 * ldc);
                c21.intoArray(c, o + 2 * ldc + FL);
                c22.intoArray(c, o + 2 * ldc + 2 * FL);
                c23.intoArray(c, o + 2 * ldc + 3 * FL);
                c30.intoArray(c, o + 3 * ldc);
                c31.intoArray(c, o + 3 * ldc + FL);
                c32.intoArray(c, o + 3 * ldc + 2 * FL);
                c33.intoArray(c, o + 3 * ldc + 3 * FL);
            }
            if (rows < m) {
                tileF32(a, aOff + rows * lda, lda, m - rows, b, bOff + j, ldb, k, c, cOff + rows * ldc + j, ldc);
            }
        }
    }

    /**
     * One 4-row × 4-vector tile of C at {@code o}: rows of A at {@code a0 + r·lda} for r &lt; h (a
     * missing row repeats the last one, computed and not stored), B's panel at {@code bp + p·ldb}.
     */
    private static void tileF32(float[] a, int a0, int lda, int h, float[] b, int bp, int ldb, int k,
                               float[] c, int o, int ldc) {
        int a1 = h > 1 ? a0 + lda : a0;
        int a2 = h > 2 ? a1 + lda : a1;
        int a3 = h > 3 ? a2 + lda : a2;
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F), c23 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F), c33 = FloatVector.zero(F);
        for (int p = 0; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(F, b, bp);
            FloatVector b1 = FloatVector.fromArray(F, b, bp + FL);
            FloatVector b2 = FloatVector.fromArray(F, b, bp + 2 * FL);
            FloatVector b3 = FloatVector.fromArray(F, b, bp + 3 * FL);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        c00.intoArray(c, o);
        c01.intoArray(c, o + FL);
        c02.intoArray(c, o + 2 * FL);
        c03.intoArray(c, o + 3 * FL);
        if (h > 1) {
            c10.intoArray(c, o + ldc);
            c11.intoArray(c, o + ldc + FL);
            c12.intoArray(c, o + ldc + 2 * FL);
            c13.intoArray(c, o + ldc + 3 * FL);
        }
        if (h > 2) {
            c20.intoArray(c, o + 2 * ldc);
            c21.intoArray(c, o + 2 * ldc + FL);
            c22.intoArray(c, o + 2 * ldc + 2 * FL);
            c23.intoArray(c, o + 2 * ldc + 3 * FL);
        }
        if (h > 3) {
            c30.intoArray(c, o + 3 * ldc);
            c31.intoArray(c, o + 3 * ldc + FL);
            c32.intoArray(c, o + 3 * ldc + 2 * FL);
            c33.intoArray(c, o + 3 * ldc + 3 * FL);
        }
    }

    /**
     * C[i][j] = Σ_p A[i][p]·B[p][j], A at {@code aOff + i·lda + p}, B at {@code bOff + p·ldb + j}
     * and C at {@code cOff + i·ldc + j}; k ≥ 1 and n a multiple of 4 vectors.
     */
    static void f64(double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                    double[] c, int cOff, int ldc, int m, int k, int n) {
        int rows = m - m % MR;
        for (int j = 0; j < n; j += DNR) {
            for (int i = 0; i < rows; i += MR) {
                // Whole tiles, inline: through the general tile method below (its row clamping and
                // conditional stores) n = 64 float32 ran at ~97 instead of ~108 GFLOP/s.
                int a0 = aOff + i * lda;
                int a1 = a0 + lda;
                int a2 = a1 + lda;
                int a3 = a2 + lda;
                DoubleVector c00 = DoubleVector.zero(D), c01 = DoubleVector.zero(D), c02 = DoubleVector.zero(D), c03 = DoubleVector.zero(D);
                DoubleVector c10 = DoubleVector.zero(D), c11 = DoubleVector.zero(D), c12 = DoubleVector.zero(D), c13 = DoubleVector.zero(D);
                DoubleVector c20 = DoubleVector.zero(D), c21 = DoubleVector.zero(D), c22 = DoubleVector.zero(D), c23 = DoubleVector.zero(D);
                DoubleVector c30 = DoubleVector.zero(D), c31 = DoubleVector.zero(D), c32 = DoubleVector.zero(D), c33 = DoubleVector.zero(D);
                for (int p = 0, bp = bOff + j; p < k; p++, bp += ldb) {
                    DoubleVector b0 = DoubleVector.fromArray(D, b, bp);
                    DoubleVector b1 = DoubleVector.fromArray(D, b, bp + DL);
                    DoubleVector b2 = DoubleVector.fromArray(D, b, bp + 2 * DL);
                    DoubleVector b3 = DoubleVector.fromArray(D, b, bp + 3 * DL);
                    DoubleVector x = DoubleVector.broadcast(D, a[a0 + p]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    c02 = x.fma(b2, c02);
                    c03 = x.fma(b3, c03);
                    x = DoubleVector.broadcast(D, a[a1 + p]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    c12 = x.fma(b2, c12);
                    c13 = x.fma(b3, c13);
                    x = DoubleVector.broadcast(D, a[a2 + p]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    c22 = x.fma(b2, c22);
                    c23 = x.fma(b3, c23);
                    x = DoubleVector.broadcast(D, a[a3 + p]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                    c32 = x.fma(b2, c32);
                    c33 = x.fma(b3, c33);
                }
                int o = cOff + i * ldc + j;
                c00.intoArray(c, o);
                c01.intoArray(c, o + DL);
                c02.intoArray(c, o + 2 * DL);
                c03.intoArray(c, o + 3 * DL);
                c10.intoArray(c, o + ldc);
                c11.intoArray(c, o + ldc + DL);
                c12.intoArray(c, o + ldc + 2 * DL);
                c13.intoArray(c, o + ldc + 3 * DL);
                c20.intoArray(c, o + 2 * ldc);
                c21.intoArray(c, o + 2 * ldc + DL);
                c22.intoArray(c, o + 2 * ldc + 2 * DL);
                c23.intoArray(c, o + 2 * ldc + 3 * DL);
                c30.intoArray(c, o + 3 * ldc);
                c31.intoArray(c, o + 3 * ldc + DL);
                c32.intoArray(c, o + 3 * ldc + 2 * DL);
                c33.intoArray(c, o + 3 * ldc + 3 * DL);
            }
            if (rows < m) {
                tileF64(a, aOff + rows * lda, lda, m - rows, b, bOff + j, ldb, k, c, cOff + rows * ldc + j, ldc);
            }
        }
    }

    /**
     * One 4-row × 4-vector tile of C at {@code o}: rows of A at {@code a0 + r·lda} for r &lt; h (a
     * missing row repeats the last one, computed and not stored), B's panel at {@code bp + p·ldb}.
     */
    private static void tileF64(double[] a, int a0, int lda, int h, double[] b, int bp, int ldb, int k,
                               double[] c, int o, int ldc) {
        int a1 = h > 1 ? a0 + lda : a0;
        int a2 = h > 2 ? a1 + lda : a1;
        int a3 = h > 3 ? a2 + lda : a2;
        DoubleVector c00 = DoubleVector.zero(D), c01 = DoubleVector.zero(D), c02 = DoubleVector.zero(D), c03 = DoubleVector.zero(D);
        DoubleVector c10 = DoubleVector.zero(D), c11 = DoubleVector.zero(D), c12 = DoubleVector.zero(D), c13 = DoubleVector.zero(D);
        DoubleVector c20 = DoubleVector.zero(D), c21 = DoubleVector.zero(D), c22 = DoubleVector.zero(D), c23 = DoubleVector.zero(D);
        DoubleVector c30 = DoubleVector.zero(D), c31 = DoubleVector.zero(D), c32 = DoubleVector.zero(D), c33 = DoubleVector.zero(D);
        for (int p = 0; p < k; p++, bp += ldb) {
            DoubleVector b0 = DoubleVector.fromArray(D, b, bp);
            DoubleVector b1 = DoubleVector.fromArray(D, b, bp + DL);
            DoubleVector b2 = DoubleVector.fromArray(D, b, bp + 2 * DL);
            DoubleVector b3 = DoubleVector.fromArray(D, b, bp + 3 * DL);
            DoubleVector x = DoubleVector.broadcast(D, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = DoubleVector.broadcast(D, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = DoubleVector.broadcast(D, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = DoubleVector.broadcast(D, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        c00.intoArray(c, o);
        c01.intoArray(c, o + DL);
        c02.intoArray(c, o + 2 * DL);
        c03.intoArray(c, o + 3 * DL);
        if (h > 1) {
            c10.intoArray(c, o + ldc);
            c11.intoArray(c, o + ldc + DL);
            c12.intoArray(c, o + ldc + 2 * DL);
            c13.intoArray(c, o + ldc + 3 * DL);
        }
        if (h > 2) {
            c20.intoArray(c, o + 2 * ldc);
            c21.intoArray(c, o + 2 * ldc + DL);
            c22.intoArray(c, o + 2 * ldc + 2 * DL);
            c23.intoArray(c, o + 2 * ldc + 3 * DL);
        }
        if (h > 3) {
            c30.intoArray(c, o + 3 * ldc);
            c31.intoArray(c, o + 3 * ldc + DL);
            c32.intoArray(c, o + 3 * ldc + 2 * DL);
            c33.intoArray(c, o + 3 * ldc + 3 * DL);
        }
    }
}
