package dev.jgrad.kernels.simd;

/**
 * The GotoBLAS/BLIS loop nest around a register-tiled micro-kernel, shared by both dtypes: B is
 * packed kc × nc at a time, A mc × kc at a time, and every {@code mr × nr} tile of C is computed
 * by the dtype's micro-kernel from one A and one B micro-panel (kc deep). One instance per
 * thread: it owns the packing buffers.
 */
abstract class BlockedGemm {
    final int mr;
    final int nr;
    private final int mc;
    private final int kc;
    private final int nc;

    BlockedGemm(int mr, int nr, int mc, int kc, int nc) {
        this.mr = mr;
        this.nr = nr;
        this.mc = mc;
        this.kc = kc;
        this.nc = nc;
    }

    /**
     * C[m×n] (row stride {@code ldc}, at {@code cOff}) = A·B, A and B read through the operand
     * offsets and strides set by the caller; m, n ≥ 1 and k ≥ 1.
     */
    final void run(int aOff, int ars, int acs, int bOff, int brs, int bcs, int cOff, int ldc, int m, int k, int n) {
        int kcMax = Math.min(kc, k);
        ensureCapacity(roundUp(Math.min(mc, m), mr) * kcMax, roundUp(Math.min(nc, n), nr) * kcMax);
        for (int jc = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcb = Math.min(kc, k - pc);
                packB(bOff + pc * brs + jc * bcs, brs, bcs, kcb, ncb);
                for (int ic = 0; ic < m; ic += mc) {
                    int mcb = Math.min(mc, m - ic);
                    packA(aOff + ic * ars + pc * acs, ars, acs, mcb, kcb);
                    // The first depth block overwrites C, the later ones add to it.
                    boolean add = pc > 0;
                    // A row of tiles at a time: the A micro-panel stays in L1 and C is written along its
                    // rows; going down a column of tiles instead measured 10–40 % slower at n = 1024
                    // (probably C rows a power-of-two stride apart sharing cache sets).
                    for (int ir = 0; ir < mcb; ir += mr) {
                        int h = Math.min(mr, mcb - ir);
                        for (int jr = 0; jr < ncb; jr += nr) {
                            int w = Math.min(nr, ncb - jr);
                            int c = cOff + (ic + ir) * ldc + jc + jr;
                            if (h == mr && w == nr) {
                                tile(kcb, ir * kcb, jr * kcb, c, ldc, add);
                            } else {
                                edgeTile(kcb, ir * kcb, jr * kcb, c, ldc, add, h, w);
                            }
                        }
                    }
                }
            }
        }
    }

    static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /** Grows the packed-A and packed-B buffers to at least these lengths. */
    abstract void ensureCapacity(int aLength, int bLength);

    abstract void packA(int off, int rs, int cs, int rows, int depth);

    abstract void packB(int off, int rs, int cs, int depth, int cols);

    /** One full {@code mr × nr} tile: C (=|+=) packedA[aAt..]·packedB[bAt..] over {@code depth}. */
    abstract void tile(int depth, int aAt, int bAt, int c, int ldc, boolean add);

    /** A partial tile ({@code h ≤ mr} rows, {@code w ≤ nr} columns) at the bottom or right edge of C. */
    abstract void edgeTile(int depth, int aAt, int bAt, int c, int ldc, boolean add, int h, int w);
}
