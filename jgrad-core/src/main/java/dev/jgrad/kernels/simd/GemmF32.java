package dev.jgrad.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 blocked matrix product: micro-kernel of 4 rows × 2 vectors (4×16 on AVX2), one FMA
 * per accumulator per depth step; accumulates in float32, as BLAS sgemm does. A 6-row tile ran at
 * half this speed under C2 here (12 accumulators + 2 B vectors + 6 broadcasts spill past the 16
 * vector registers); 4 rows reach the FMA peak.
 */
final class GemmF32 extends BlockedGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 4;
    static final int NR = 2 * L;

    private float[] a;
    private float[] b;
    private float[] c;
    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    private final float[] edge = new float[MR * NR];

    GemmF32(int mc, int kc, int nc) {
        super(MR, NR, mc, kc, nc);
    }

    /** C = A·B on these arrays; see {@link BlockedGemm#run}. Drops the array references afterwards. */
    void multiply(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                  float[] c, int cOff, int ldc, int m, int k, int n) {
        this.a = a;
        this.b = b;
        this.c = c;
        try {
            run(aOff, ars, acs, bOff, brs, bcs, cOff, ldc, m, k, n);
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
        }
    }

    @Override
    void ensureCapacity(int aLength, int bLength) {
        if (packedA.length < aLength) {
            packedA = new float[aLength];
        }
        if (packedB.length < bLength) {
            packedB = new float[bLength];
        }
    }

    @Override
    void packA(int off, int rs, int cs, int rows, int depth) {
        Packing.packA(a, off, rs, cs, rows, depth, MR, packedA);
    }

    @Override
    void packB(int off, int rs, int cs, int depth, int cols) {
        Packing.packB(b, off, rs, cs, depth, cols, NR, packedB);
    }

    @Override
    void tile(int depth, int aAt, int bAt, int cAt, int ldc, boolean add) {
        kernel(depth, packedA, aAt, packedB, bAt, c, cAt, ldc, add);
    }

    @Override
    void edgeTile(int depth, int aAt, int bAt, int cAt, int ldc, boolean add, int h, int w) {
        // Packed panels are zero-padded, so the full tile is computed into a scratch tile and only h × w copied out.
        kernel(depth, packedA, aAt, packedB, bAt, edge, 0, NR, false);
        for (int i = 0; i < h; i++) {
            for (int j = 0, ci = cAt + i * ldc, ei = i * NR; j < w; j++) {
                c[ci + j] = add ? c[ci + j] + edge[ei + j] : edge[ei + j];
            }
        }
    }

    /** The 4 × 2-vector register tile: C[4][NR] (=|+=) Σ_p A[p][0..4) ⊗ B[p][0..NR). */
    static void kernel(int depth, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        // Indices linear in p let the JIT hoist the bounds checks out of the loop.
        for (int p = 0; p < depth; p++) {
            int bp = bi + p * NR;
            int ap = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bp);
            FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x = FloatVector.broadcast(S, pa[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store(c00, c01, c, ci, add);
        store(c10, c11, c, ci + ldc, add);
        store(c20, c21, c, ci + 2 * ldc, add);
        store(c30, c31, c, ci + 3 * ldc, add);
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int at, boolean add) {
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, c, at));
            v1 = v1.add(FloatVector.fromArray(S, c, at + L));
        }
        v0.intoArray(c, at);
        v1.intoArray(c, at + L);
    }
}
