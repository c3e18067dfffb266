package dev.jgrad.kernels.simd;

/**
 * The GotoBLAS/BLIS loop nest around a register-tiled micro-kernel, shared by both dtypes: B is
 * packed kc × nc at a time, A mc × kc at a time, and every {@code mr × nr} tile of C is computed
 * by the dtype's micro-kernel from one A and one B micro-panel (kc deep). One instance per
 * thread: it owns the packing buffers. Block sizes are balanced: {@code k = 784} runs as four
 * depth blocks of 196, not three of 256 and a thin one of 16 that costs a full pass over C.
 */
abstract class BlockedGemm {
    /**
     * Bytes of packed B that one row of A micro-panels sweeps before the next row starts: sized to
     * stay in L2 (512 KiB here) beside the packed A block, where the whole kc × nc block (1 MB of
     * float32 at n = 1024) streamed from L3 for every 4 rows of C: float32 n = 1024 ran 5-9 % faster
     * (float64 and n ≤ 256 unchanged; 128 or 256 KiB measured within noise of 192).
     */
    private static final int SWEEP_BYTES = 192 * 1024;
    final int mr;
    final int nr;
    private final int mc;
    private final int kc;
    private final int nc;
    private final int elementBytes;

    BlockedGemm(int mr, int nr, int mc, int kc, int nc, int elementBytes) {
        this.mr = mr;
        this.nr = nr;
        this.mc = mc;
        this.kc = kc;
        this.nc = nc;
        this.elementBytes = elementBytes;
    }

    /**
     * C[m×n] (row stride {@code ldc}, at {@code cOff}) = A·B, A and B read through the operand
     * offsets and strides set by the caller; m, n ≥ 1 and k ≥ 1.
     */
    final void run(int aOff, int ars, int acs, int bOff, int brs, int bcs, int cOff, int ldc, int m, int k, int n) {
        int kcb0 = balanced(k, kc, 1);
        int ncb0 = balanced(n, nc, nr);
        int mcb0 = balanced(m, mc, mr);
        ensureCapacity(roundUp(mcb0, mr) * kcb0, roundUp(ncb0, nr) * kcb0);
        int ns = Math.max(nr, SWEEP_BYTES / (kcb0 * elementBytes) / nr * nr);
        for (int jc = 0; jc < n; jc += ncb0) {
            int ncb = Math.min(ncb0, n - jc);
            for (int pc = 0; pc < k; pc += kcb0) {
                int kcb = Math.min(kcb0, k - pc);
                packB(bOff + pc * brs + jc * bcs, brs, bcs, kcb, ncb);
                // The first depth block overwrites C, the later ones add to it.
                boolean add = pc > 0;
                for (int ic = 0; ic < m; ic += mcb0) {
                    int mcb = Math.min(mcb0, m - ic);
                    packA(aOff + ic * ars + pc * acs, ars, acs, mcb, kcb);
                    // A row of tiles at a time: the A rows stay in L1 and C is written along its rows;
                    // going down a column of tiles instead measured 15–35 % slower at n = 1024 (C rows a
                    // power-of-two stride apart), and no faster at n = 256.
                    // A column strip of B (ns wide) at a time, kept in L2 while every row of A micro-panels passes over it.
                    for (int js = 0; js < ncb; js += ns) {
                        int jsEnd = Math.min(ncb, js + ns);
                        for (int ir = 0; ir < mcb; ir += mr) {
                            int h = Math.min(mr, mcb - ir);
                            for (int jr = js; jr < jsEnd; jr += nr) {
                                int c = cOff + (ic + ir) * ldc + jc + jr;
                                tile(kcb, ir * kcb, jr * kcb, c, ldc, add, h, Math.min(nr, ncb - jr));
                            }
                        }
                    }
                }
            }
        }
    }

    /** Block length ≤ max (a multiple of {@code unit} when split) that cuts {@code total} into equal blocks. */
    static int balanced(int total, int max, int unit) {
        if (total <= max) {
            return total;
        }
        int blocks = (total + max - 1) / max;
        return roundUp((total + blocks - 1) / blocks, unit);
    }

    static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /** Grows the packed-A and packed-B buffers to at least these lengths. */
    abstract void ensureCapacity(int aLength, int bLength);

    abstract void packA(int off, int rs, int cs, int rows, int depth);

    abstract void packB(int off, int rs, int cs, int depth, int cols);

    /**
     * One tile of {@code h ≤ mr} rows and {@code w ≤ nr} columns of C (at {@code c}):
     * C (=|+=) packedA[aAt..]·packedB[bAt..] over {@code depth}.
     */
    abstract void tile(int depth, int aAt, int bAt, int c, int ldc, boolean add, int h, int w);
}
