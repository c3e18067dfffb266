package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float64 blocked matrix product: micro-kernel of 4 rows × 2 vectors (4×8 on AVX2, at the
 * FMA peak here; more rows spill registers under C2), one FMA per accumulator per depth step.
 */
final class GemmF64 extends BlockedGemm {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 4;
    static final int NR = 2 * L;

    private double[] a;
    private double[] b;
    private double[] c;
    private double[] packedA = new double[0];
    private double[] packedB = new double[0];
    private final double[] edge = new double[MR * NR];

    GemmF64(int mc, int kc, int nc) {
        super(MR, NR, mc, kc, nc);
    }

    /** C = A·B on these arrays; see {@link BlockedGemm#run}. Drops the array references afterwards. */
    void multiply(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
                  double[] c, int cOff, int ldc, int m, int k, int n) {
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
    static void kernel(int depth, double[] pa, int ai, double[] pb, int bi, double[] c, int ci, int ldc, boolean add) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S), c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S), c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S), c31 = DoubleVector.zero(S);
        // Indices linear in p let the JIT hoist the bounds checks out of the loop.
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
        store(c00, c01, c, ci, add);
        store(c10, c11, c, ci + ldc, add);
        store(c20, c21, c, ci + 2 * ldc, add);
        store(c30, c31, c, ci + 3 * ldc, add);
    }

    private static void store(DoubleVector v0, DoubleVector v1, double[] c, int at, boolean add) {
        if (add) {
            v0 = v0.add(DoubleVector.fromArray(S, c, at));
            v1 = v1.add(DoubleVector.fromArray(S, c, at + L));
        }
        v0.intoArray(c, at);
        v1.intoArray(c, at + L);
    }
}
