package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float64 blocked matrix product: micro-kernel of 4 rows × 2 vectors (4×8 on AVX2), one FMA per
 * accumulator per depth step; more rows spill registers under C2 (see {@link GemmF32}). Alone it
 * runs at ~43-44 of a ~48 GFLOP/s peak; kc 128/192, mc 48-192 and L2 strips of 96-256 KiB all measured
 * within noise here, and packing A with a register transpose (as float32 does) made packing only
 * ~10 % faster (it is bound by reading A), so float64 keeps the scalar packing.
 */
final class GemmF64 extends BlockedGemm {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
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

    private double[] a;
    private double[] b;
    private double[] c;
    private double[] packedA = new double[0];
    private double[] packedB = new double[0];
    private final double[] edge;
    private final boolean wide;

    /** {@code wide}: the 4 × 4-vector tile on panels of {@link #WIDE_NR} (only where {@link #WIDE}). */
    GemmF64(int mc, int kc, int nc, boolean wide) {
        super(MR, wide ? WIDE_NR : NR, mc, kc, nc, Double.BYTES);
        this.wide = wide;
        this.edge = new double[MR * nr];
    }

    /** C = A·B on these arrays; see {@link BlockedGemm#run}. Drops the array references afterwards. */
    void multiply(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
                  double[] c, int cOff, int ldc, int m, int k, int n) {
        multiply(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, m, k, n, null, 0);
    }

    /** The row blocks of C the owner of {@code share} takes from {@code shared} (all of C when null); see {@link BlockedGemm#run}. */
    void multiply(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
                  double[] c, int cOff, int ldc, int m, int k, int n, RowBlocks shared, int share) {
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
            packedA = new double[aLength];
        }
        if (packedB.length < bLength) {
            packedB = new double[bLength];
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
    static void kernel(int depth, double[] pa, int ai, double[] pb, int bi,
                       double[] c, int ci, int ldc, boolean add, int h, int w, double[] edge) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S), c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S), c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S), c31 = DoubleVector.zero(S);
        for (int p = 0; p < depth; p++) {
            int bp = bi + p * NR;
            int ap = ai + p * MR;
            DoubleVector b0 = DoubleVector.fromArray(S, pb, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, pb, bp + L);
            DoubleVector x = DoubleVector.broadcast(S, pa[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, pa[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, pa[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, pa[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        // No helper methods below: a call with vector arguments that the JIT leaves out of line (as it
        // does for a branch that was cold while profiling) boxes every accumulator, 10× slower.
        boolean full = h == MR && w == NR;
        double[] out = full ? c : edge;
        int o = full ? ci : 0;
        int ld = full ? ldc : NR;
        if (full && add) {
            c00 = c00.add(DoubleVector.fromArray(S, c, o));
            c01 = c01.add(DoubleVector.fromArray(S, c, o + L));
            c10 = c10.add(DoubleVector.fromArray(S, c, o + ld));
            c11 = c11.add(DoubleVector.fromArray(S, c, o + ld + L));
            c20 = c20.add(DoubleVector.fromArray(S, c, o + 2 * ld));
            c21 = c21.add(DoubleVector.fromArray(S, c, o + 2 * ld + L));
            c30 = c30.add(DoubleVector.fromArray(S, c, o + 3 * ld));
            c31 = c31.add(DoubleVector.fromArray(S, c, o + 3 * ld + L));
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
    static void kernel4(int depth, double[] pa, int ai, double[] pb, int bi,
                        double[] c, int ci, int ldc, boolean add, int h, int w, double[] edge) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = DoubleVector.zero(S), c02 = DoubleVector.zero(S), c03 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S), c11 = DoubleVector.zero(S), c12 = DoubleVector.zero(S), c13 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S), c21 = DoubleVector.zero(S), c22 = DoubleVector.zero(S), c23 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S), c31 = DoubleVector.zero(S), c32 = DoubleVector.zero(S), c33 = DoubleVector.zero(S);
        for (int p = 0; p < depth; p++) {
            int bp = bi + p * WIDE_NR;
            int ap = ai + p * MR;
            DoubleVector b0 = DoubleVector.fromArray(S, pb, bp);
            DoubleVector b1 = DoubleVector.fromArray(S, pb, bp + L);
            DoubleVector b2 = DoubleVector.fromArray(S, pb, bp + 2 * L);
            DoubleVector b3 = DoubleVector.fromArray(S, pb, bp + 3 * L);
            DoubleVector x = DoubleVector.broadcast(S, pa[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = DoubleVector.broadcast(S, pa[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = DoubleVector.broadcast(S, pa[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = DoubleVector.broadcast(S, pa[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        // No helper methods (see kernel).
        boolean full = h == MR && w == WIDE_NR;
        double[] out = full ? c : edge;
        int o = full ? ci : 0;
        int ld = full ? ldc : WIDE_NR;
        if (full && add) {
            c00 = c00.add(DoubleVector.fromArray(S, c, o));
            c01 = c01.add(DoubleVector.fromArray(S, c, o + L));
            c02 = c02.add(DoubleVector.fromArray(S, c, o + 2 * L));
            c03 = c03.add(DoubleVector.fromArray(S, c, o + 3 * L));
            c10 = c10.add(DoubleVector.fromArray(S, c, o + ld));
            c11 = c11.add(DoubleVector.fromArray(S, c, o + ld + L));
            c12 = c12.add(DoubleVector.fromArray(S, c, o + ld + 2 * L));
            c13 = c13.add(DoubleVector.fromArray(S, c, o + ld + 3 * L));
            c20 = c20.add(DoubleVector.fromArray(S, c, o + 2 * ld));
            c21 = c21.add(DoubleVector.fromArray(S, c, o + 2 * ld + L));
            c22 = c22.add(DoubleVector.fromArray(S, c, o + 2 * ld + 2 * L));
            c23 = c23.add(DoubleVector.fromArray(S, c, o + 2 * ld + 3 * L));
            c30 = c30.add(DoubleVector.fromArray(S, c, o + 3 * ld));
            c31 = c31.add(DoubleVector.fromArray(S, c, o + 3 * ld + L));
            c32 = c32.add(DoubleVector.fromArray(S, c, o + 3 * ld + 2 * L));
            c33 = c33.add(DoubleVector.fromArray(S, c, o + 3 * ld + 3 * L));
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
