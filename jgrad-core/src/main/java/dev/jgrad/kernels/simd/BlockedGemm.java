package dev.jgrad.kernels.simd;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

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
        run(aOff, ars, acs, bOff, brs, bcs, cOff, ldc, m, k, n, null, 0);
    }

    /**
     * {@link #run(int, int, int, int, int, int, int, int, int, int, int)}, or with {@code shared}
     * only the row blocks this thread, the owner of share {@code share}, takes from it: each thread
     * packs B itself (see {@link RowBlocks}).
     */
    final void run(int aOff, int ars, int acs, int bOff, int brs, int bcs, int cOff, int ldc, int m, int k, int n,
                   RowBlocks shared, int share) {
        int kcb0 = balanced(k, kc, 1);
        int ncb0 = balanced(n, nc, nr);
        int mcb0 = shared == null ? balanced(m, mc, mr) : shared.height;
        ensureCapacity(roundUp(mcb0, mr) * kcb0, roundUp(ncb0, nr) * kcb0);
        int ns = Math.max(nr, SWEEP_BYTES / (kcb0 * elementBytes) / nr * nr);
        int step = -1;
        for (int jc = 0; jc < n; jc += ncb0) {
            int ncb = Math.min(ncb0, n - jc);
            for (int pc = 0; pc < k; pc += kcb0) {
                step++;
                if (shared != null && shared.taken(step)) {
                    continue;
                }
                int kcb = Math.min(kcb0, k - pc);
                packB(bOff + pc * brs + jc * bcs, brs, bcs, kcb, ncb);
                // The first depth block overwrites C, the later ones add to it.
                boolean add = pc > 0;
                for (int ic = shared == null ? 0 : shared.take(step, share); ic < m; ic = shared == null ? ic + mcb0 : shared.take(step, share)) {
                    if (shared != null) {
                        shared.awaitEarlierSteps(ic, step);
                    }
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
                    if (shared != null) {
                        shared.finished(ic);
                    }
                }
            }
        }
    }

    /**
     * The blocks of rows of one product split across threads, step by step (a step: one depth
     * block of B, which every thread that takes rows in it packs for itself). Each thread has a
     * share of the blocks, the same at every step, and takes its own from the front; when its
     * share is done it takes what is left of the others' from the back. Normally every thread
     * computes just its share, each block of C staying in one core's cache from step to step; a
     * thread the machine slows down, or that starts late (a worker still zero-filling an array for
     * {@link dev.jgrad.kernels.FreshArrays}), leaves the rest of its share to the others instead
     * of being waited for, as a fixed half per thread was. A block is computed step after step in
     * order ({@link #awaitEarlierSteps}: C's rows are summed over the depth blocks as on one
     * thread); a thread that finds a step's blocks all taken skips it without packing B.
     */
    static final class RowBlocks {
        final int height;
        private final int m;
        private final int shares;
        /** Per step and share: the blocks left, {@code [front, back)}, as front << 32 | back. */
        private final AtomicLongArray left;
        private final AtomicIntegerArray stepsDone;
        /** Set when a thread's share failed: the others stop instead of waiting for its blocks. */
        private volatile boolean abandoned;

        private RowBlocks(int m, int height, int steps, int shares) {
            this.m = m;
            this.height = height;
            this.shares = shares;
            int blocks = (m + height - 1) / height;
            this.left = new AtomicLongArray(steps * shares);
            for (int step = 0; step < steps; step++) {
                for (int t = 0; t < shares; t++) {
                    left.set(step * shares + t, range(blocks * t / shares, blocks * (t + 1) / shares));
                }
            }
            this.stepsDone = new AtomicIntegerArray(blocks);
        }

        private static long range(int front, int back) {
            return (long) front << 32 | back;
        }

        /** Whether every block of this step has been taken. */
        boolean taken(int step) {
            for (int t = 0; t < shares; t++) {
                long v = left.get(step * shares + t);
                if ((int) (v >>> 32) < (int) v) {
                    return false;
                }
            }
            return true;
        }

        /** The first row of the next block thread {@code share} computes at this step, or m when none is left. */
        int take(int step, int share) {
            int block = takeEnd(step * shares + share, true);
            for (int i = 1; i < shares && block < 0; i++) {
                block = takeEnd(step * shares + (share + i) % shares, false);
            }
            return block < 0 ? m : block * height;
        }

        private int takeEnd(int at, boolean front) {
            while (true) {
                long v = left.get(at);
                int f = (int) (v >>> 32);
                int b = (int) v;
                if (f >= b) {
                    return -1;
                }
                if (left.compareAndSet(at, v, front ? range(f + 1, b) : range(f, b - 1))) {
                    return front ? f : b - 1;
                }
            }
        }

        /** Waits until the block at {@code row} has been computed for every step before {@code step}. */
        void awaitEarlierSteps(int row, int step) {
            int block = row / height;
            while (stepsDone.get(block) < step) {
                if (abandoned) {
                    throw new IllegalStateException("matmul: another thread's share of the product failed");
                }
                Thread.onSpinWait();
            }
        }

        void finished(int row) {
            stepsDone.incrementAndGet(row / height);
        }

        /** Called by a thread whose share failed: no block it took will be finished. */
        void abandon() {
            abandoned = true;
        }
    }

    /**
     * Row blocks for an m × k · k × n product split across {@code threads} threads that each run
     * {@link #run} with them on an instance of this kind: at least eight blocks per thread (rows
     * permitting), a whole number per thread where the tile height allows, none taller than mc.
     */
    RowBlocks rowBlocks(int m, int k, int n, int threads) {
        int count = Math.max((m + mc - 1) / mc, 8 * threads);
        count = Math.min(roundUp(count, threads), (m + mr - 1) / mr);
        int height = roundUp((m + count - 1) / count, mr);
        // As many steps as run's loops make: column blocks of B times depth blocks.
        return new RowBlocks(m, height, blockCount(n, nc, nr) * blockCount(k, kc, 1), threads);
    }

    /** How many blocks of {@link #balanced} length cut {@code total}. */
    private static int blockCount(int total, int max, int unit) {
        int block = balanced(total, max, unit);
        return (total + block - 1) / block;
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
