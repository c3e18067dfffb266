package dev.jgrad.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * float32 products with a thin side, where a packed 4 × 16 tile would be mostly padding and packing
 * all of A would cost as much as the product: matrix·vector, vector·matrix and narrow n. Computed
 * as dot products along a contiguous depth, or as row updates (axpy) along a contiguous output.
 * Accumulates in float32, as sgemv does.
 */
final class ThinF32 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private ThinF32() {
    }

    /** A buffer of at least {@code length} floats owned by this thread (contents undefined). */
    static float[] scratch(int length) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < length) {
            holder[0] = new float[length];
        }
        return holder[0];
    }

    /** Copies {@code x[off + p·stride]}, p < k, into a contiguous buffer (this thread's scratch). */
    static float[] gather(float[] x, int off, int stride, int k) {
        float[] t = scratch(k);
        for (int p = 0; p < k; p++) {
            t[p] = x[off + p * stride];
        }
        return t;
    }

    /** Bᵀ packed dense (n × k) from B read at {@code off + p·rs + j·cs}, into this thread's scratch. */
    static float[] transpose(float[] b, int off, int rs, int cs, int k, int n) {
        float[] t = scratch(k * n);
        for (int j = 0; j < n; j++) {
            for (int p = 0, s = off + j * cs, d = j * k; p < k; p++, s += rs, d++) {
                t[d] = b[s];
            }
        }
        return t;
    }

    /**
     * {@code C[i][j] = Σ_p A[aOff + i·ars + p] · Bt[bOff + j·ldb + p]} for i < m, j < n (depth
     * contiguous in both), C at {@code cOff + i·ldc + j}. Four rows at a time, two vectors of
     * depth per step: eight independent FMA chains.
     */
    static void dots(float[] a, int aOff, int ars, float[] bt, int bOff, int ldb, float[] c, int cOff, int ldc,
                     int m, int k, int n) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
            for (int j = 0; j < n; j++) {
                int b = bOff + j * ldb;
                FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
                int p = 0;
                for (; p + 2 * L <= k; p += 2 * L) {
                    FloatVector x = FloatVector.fromArray(S, bt, b + p);
                    FloatVector y = FloatVector.fromArray(S, bt, b + p + L);
                    s0 = FloatVector.fromArray(S, a, a0 + p).fma(x, s0);
                    s1 = FloatVector.fromArray(S, a, a1 + p).fma(x, s1);
                    s2 = FloatVector.fromArray(S, a, a2 + p).fma(x, s2);
                    s3 = FloatVector.fromArray(S, a, a3 + p).fma(x, s3);
                    t0 = FloatVector.fromArray(S, a, a0 + p + L).fma(y, t0);
                    t1 = FloatVector.fromArray(S, a, a1 + p + L).fma(y, t1);
                    t2 = FloatVector.fromArray(S, a, a2 + p + L).fma(y, t2);
                    t3 = FloatVector.fromArray(S, a, a3 + p + L).fma(y, t3);
                }
                for (; p + L <= k; p += L) {
                    FloatVector x = FloatVector.fromArray(S, bt, b + p);
                    s0 = FloatVector.fromArray(S, a, a0 + p).fma(x, s0);
                    s1 = FloatVector.fromArray(S, a, a1 + p).fma(x, s1);
                    s2 = FloatVector.fromArray(S, a, a2 + p).fma(x, s2);
                    s3 = FloatVector.fromArray(S, a, a3 + p).fma(x, s3);
                }
                int ci = cOff + i * ldc + j;
                c[ci] = tail(a, a0, bt, b, p, k, s0.add(t0));
                c[ci + ldc] = tail(a, a1, bt, b, p, k, s1.add(t1));
                c[ci + 2 * ldc] = tail(a, a2, bt, b, p, k, s2.add(t2));
                c[ci + 3 * ldc] = tail(a, a3, bt, b, p, k, s3.add(t3));
            }
        }
        for (; i < m; i++) {
            int a0 = aOff + i * ars;
            for (int j = 0; j < n; j++) {
                int b = bOff + j * ldb;
                FloatVector s0 = FloatVector.zero(S), t0 = s0;
                int p = 0;
                for (; p + 2 * L <= k; p += 2 * L) {
                    s0 = FloatVector.fromArray(S, a, a0 + p).fma(FloatVector.fromArray(S, bt, b + p), s0);
                    t0 = FloatVector.fromArray(S, a, a0 + p + L).fma(FloatVector.fromArray(S, bt, b + p + L), t0);
                }
                for (; p + L <= k; p += L) {
                    s0 = FloatVector.fromArray(S, a, a0 + p).fma(FloatVector.fromArray(S, bt, b + p), s0);
                }
                c[cOff + i * ldc + j] = tail(a, a0, bt, b, p, k, s0.add(t0));
            }
        }
    }

    /** The lanes of {@code acc} summed, plus the scalar depth tail from {@code p}. */
    private static float tail(float[] a, int ai, float[] bt, int bi, int p, int k, FloatVector acc) {
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
            r = Math.fma(a[ai + p], bt[bi + p], r);
        }
        return r;
    }

    /**
     * {@code y[i] = Σ_p x[xOff + p·xs] · M[off + p·cs + i]} for i < rows (M's rows contiguous along
     * the output), y dense at {@code yOff}: y updated with four rows of M per pass.
     */
    static void axpy(float[] mat, int off, int cs, float[] x, int xOff, int xs, float[] y, int yOff, int rows, int k) {
        Arrays.fill(y, yOff, yOff + rows, 0f);
        int iv = S.loopBound(rows);
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            float x0 = x[xOff + p * xs], x1 = x[xOff + (p + 1) * xs], x2 = x[xOff + (p + 2) * xs], x3 = x[xOff + (p + 3) * xs];
            int m0 = off + p * cs, m1 = m0 + cs, m2 = m1 + cs, m3 = m2 + cs;
            FloatVector v0 = FloatVector.broadcast(S, x0), v1 = FloatVector.broadcast(S, x1);
            FloatVector v2 = FloatVector.broadcast(S, x2), v3 = FloatVector.broadcast(S, x3);
            int i = 0;
            for (; i < iv; i += L) {
                FloatVector acc = FloatVector.fromArray(S, y, yOff + i);
                acc = v0.fma(FloatVector.fromArray(S, mat, m0 + i), acc);
                acc = v1.fma(FloatVector.fromArray(S, mat, m1 + i), acc);
                acc = v2.fma(FloatVector.fromArray(S, mat, m2 + i), acc);
                acc = v3.fma(FloatVector.fromArray(S, mat, m3 + i), acc);
                acc.intoArray(y, yOff + i);
            }
            for (; i < rows; i++) {
                float r = Math.fma(x0, mat[m0 + i], y[yOff + i]);
                r = Math.fma(x1, mat[m1 + i], r);
                r = Math.fma(x2, mat[m2 + i], r);
                y[yOff + i] = Math.fma(x3, mat[m3 + i], r);
            }
        }
        for (; p < k; p++) {
            float x0 = x[xOff + p * xs];
            int m0 = off + p * cs;
            FloatVector v0 = FloatVector.broadcast(S, x0);
            int i = 0;
            for (; i < iv; i += L) {
                v0.fma(FloatVector.fromArray(S, mat, m0 + i), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
            }
            for (; i < rows; i++) {
                y[yOff + i] = Math.fma(x0, mat[m0 + i], y[yOff + i]);
            }
        }
    }
}
