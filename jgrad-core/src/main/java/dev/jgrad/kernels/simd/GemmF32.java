package dev.jgrad.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 blocked matrix product: micro-kernel of 4 rows × 2 vectors (4×16 on AVX2), one FMA
 * per accumulator per depth step; accumulates in float32, as BLAS sgemm does. A 6-row tile ran at
 * half this speed under C2 here: it schedules the A broadcasts ahead of their FMAs, which needs
 * 17 vector registers, and the spilled accumulator's store/reload chain sets the pace. Alone on
 * L1-resident panels this kernel runs at ~91-93 GFLOP/s, ~95 % of the 2-FMA/cycle peak at ~3.0 GHz
 * (no spills, no bounds checks in the loop); what a whole product loses is packing and B streaming
 * from L2. Measured slower, not to retry: 12 × 8 tile (80-86 alone), this tile with the depth loop
 * unrolled twice by hand (83: the JIT hoists broadcasts), B read unpacked from row-major storage.
 */
final class GemmF32 extends BlockedGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 4;
    static final int NR = 2 * L;
    /**
     * With 512-bit vectors (AVX-512: 32 vector registers; with 16, as on AVX2, such a tile spills)
     * a 4-row × 4-vector tile ({@link #kernel4}) is available: 16 accumulators, and one broadcast
     * of A per four FMAs instead of two. Alone on packed panels in L1 it runs at the core's peak on a
     * Zen 4 core (float32 ~117, float64 ~58 GFLOP/s, against ~105 and ~53 for the 4 × 2 tile). An
     * instance made {@code wide} packs B in panels of {@link #WIDE_NR} and uses only that tile:
     * for C a whole number of such panels wide (a 2-vector remainder, through either tile, made
     * float32 n = 96 ~20 % slower than 4 × 2 alone).
     */
    static final boolean WIDE = S.vectorBitSize() >= 512;
    static final int WIDE_NR = 4 * L;

    private float[] a;
    private float[] b;
    private float[] c;
    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    private final float[] edge;
    private final boolean wide;

    /** {@code wide}: the 4 × 4-vector tile on panels of {@link #WIDE_NR} (only where {@link #WIDE}). */
    GemmF32(int mc, int kc, int nc, boolean wide) {
        super(MR, wide ? WIDE_NR : NR, mc, kc, nc, Float.BYTES);
        this.wide = wide;
        this.edge = new float[MR * nr];
    }

    /** C = A·B on these arrays; see {@link BlockedGemm#run}. Drops the array references afterwards. */
    void multiply(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                  float[] c, int cOff, int ldc, int m, int k, int n) {
        multiply(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, m, k, n, null, 0);
    }

    /** The row blocks of C the owner of {@code share} takes from {@code shared} (all of C when null); see {@link BlockedGemm#run}. */
    void multiply(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                  float[] c, int cOff, int ldc, int m, int k, int n, RowBlocks shared, int share) {
        this.a = a;
        this.b = b;
        this.c = c;
        try {
            run(aOff, ars, acs, bOff, brs, bcs, cOff, ldc, m, k, n, shared, share);
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
        Packing.packB(b, off, rs, cs, depth, cols, nr, packedB);
    }

    @Override
    void tile(int depth, int aAt, int bAt, int cAt, int ldc, boolean add, int h, int w) {
        if (wide) {
            kernel4(depth, packedA, aAt, packedB, bAt, c, cAt, ldc, add, h, w, edge);
        } else {
            kernel(depth, packedA, aAt, packedB, bAt, c, cAt, ldc, add, h, w, edge);
        }
    }

    /**
     * The 4 × 2-vector register tile: C[i][j] (=|+=) Σ_p A[ai + p·MR + i]·B[bi + p·NR + j] for i < h,
     * j < w ({@code edge}: an MR × NR scratch tile). Indices linear in p, one for A and one for B,
     * let the JIT hoist the bounds checks and address A's four values off one register (four row
     * streams cost an add and a sign extension each per step: 20 % slower at n = 1024).
     */
    static void kernel(int depth, float[] pa, int ai, float[] pb, int bi,
                       float[] c, int ci, int ldc, boolean add, int h, int w, float[] edge) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
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
        // No helper methods below: a call with vector arguments that the JIT leaves out of line (as it
        // does for a branch that was cold while profiling) boxes every accumulator, 10× slower.
        boolean full = h == MR && w == NR;
        float[] out = full ? c : edge;
        int o = full ? ci : 0;
        int ld = full ? ldc : NR;
        if (full && add) {
            c00 = c00.add(FloatVector.fromArray(S, c, o));
            c01 = c01.add(FloatVector.fromArray(S, c, o + L));
            c10 = c10.add(FloatVector.fromArray(S, c, o + ld));
            c11 = c11.add(FloatVector.fromArray(S, c, o + ld + L));
            c20 = c20.add(FloatVector.fromArray(S, c, o + 2 * ld));
            c21 = c21.add(FloatVector.fromArray(S, c, o + 2 * ld + L));
            c30 = c30.add(FloatVector.fromArray(S, c, o + 3 * ld));
            c31 = c31.add(FloatVector.fromArray(S, c, o + 3 * ld + L));
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + L);
        c10.intoArray(out, o + ld);
        c11.intoArray(out, o + ld + L);
        c20.intoArray(out, o + 2 * ld);
        c21.intoArray(out, o + 2 * ld + L);
        c30.intoArray(out, o + 3 * ld);
        c31.intoArray(out, o + 3 * ld + L);
        if (!full) {
            // Edge tile: whole vectors went to the scratch tile; only its h × w part is C's.
            Packing.copyOut(edge, NR, c, ci, ldc, add, h, w);
        }
    }

    /**
     * The 4 × 4-vector register tile of {@link #WIDE} instances: as {@link #kernel}, four vectors
     * of B per depth step.
     */
    static void kernel4(int depth, float[] pa, int ai, float[] pb, int bi,
                        float[] c, int ci, int ldc, boolean add, int h, int w, float[] edge) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        for (int p = 0; p < depth; p++) {
            int bp = bi + p * WIDE_NR;
            int ap = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bp);
            FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, pb, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, pb, bp + 3 * L);
            FloatVector x = FloatVector.broadcast(S, pa[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, pa[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, pa[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, pa[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        // No helper methods (see kernel).
        boolean full = h == MR && w == WIDE_NR;
        float[] out = full ? c : edge;
        int o = full ? ci : 0;
        int ld = full ? ldc : WIDE_NR;
        if (full && add) {
            c00 = c00.add(FloatVector.fromArray(S, c, o));
            c01 = c01.add(FloatVector.fromArray(S, c, o + L));
            c02 = c02.add(FloatVector.fromArray(S, c, o + 2 * L));
            c03 = c03.add(FloatVector.fromArray(S, c, o + 3 * L));
            c10 = c10.add(FloatVector.fromArray(S, c, o + ld));
            c11 = c11.add(FloatVector.fromArray(S, c, o + ld + L));
            c12 = c12.add(FloatVector.fromArray(S, c, o + ld + 2 * L));
            c13 = c13.add(FloatVector.fromArray(S, c, o + ld + 3 * L));
            c20 = c20.add(FloatVector.fromArray(S, c, o + 2 * ld));
            c21 = c21.add(FloatVector.fromArray(S, c, o + 2 * ld + L));
            c22 = c22.add(FloatVector.fromArray(S, c, o + 2 * ld + 2 * L));
            c23 = c23.add(FloatVector.fromArray(S, c, o + 2 * ld + 3 * L));
            c30 = c30.add(FloatVector.fromArray(S, c, o + 3 * ld));
            c31 = c31.add(FloatVector.fromArray(S, c, o + 3 * ld + L));
            c32 = c32.add(FloatVector.fromArray(S, c, o + 3 * ld + 2 * L));
            c33 = c33.add(FloatVector.fromArray(S, c, o + 3 * ld + 3 * L));
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + L);
        c02.intoArray(out, o + 2 * L);
        c03.intoArray(out, o + 3 * L);
        c10.intoArray(out, o + ld);
        c11.intoArray(out, o + ld + L);
        c12.intoArray(out, o + ld + 2 * L);
        c13.intoArray(out, o + ld + 3 * L);
        c20.intoArray(out, o + 2 * ld);
        c21.intoArray(out, o + 2 * ld + L);
        c22.intoArray(out, o + 2 * ld + 2 * L);
        c23.intoArray(out, o + 2 * ld + 3 * L);
        c30.intoArray(out, o + 3 * ld);
        c31.intoArray(out, o + 3 * ld + L);
        c32.intoArray(out, o + 3 * ld + 2 * L);
        c33.intoArray(out, o + 3 * ld + 3 * L);
        if (!full) {
            Packing.copyOut(edge, WIDE_NR, c, ci, ldc, add, h, w);
        }
    }
}
