package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.Parallel;

/**
 * How {@link SimdMatmul} splits one product across jgrad's threads ({@link Parallel}): by rows or
 * by columns of C, whichever leaves the cheaper operand for every thread to pack in full
 * ({@link #rowsShareB}); packed products split by rows take blocks of rows in turn
 * ({@link BlockedGemm.RowBlocks}), unpacked ones pieces of row tiles.
 */
final class MatmulSplits {
    private MatmulSplits() {
    }

    /** The part of C at rows [i0, i0+rows) and columns [j0, j0+cols). */
    @FunctionalInterface
    interface Block {
        void run(int i0, int rows, int j0, int cols);
    }

    /**
     * Whether threads should split C by rows — each packing its rows of A and all of B — rather than
     * by columns (all of A, its columns of B): whichever makes the operand every thread packs in
     * full the cheaper one. Packing A's rows four at a time costs about twice a plain copy unless A
     * is stored transposed (its columns contiguous); packing B is a copy when its rows are
     * contiguous and a gather about three times dearer when B is stored transposed. g·Wᵀ of the
     * MLP's backward (128×256·(256×256)ᵀ) ran ~9 % faster split by columns; the other MLP and square
     * products choose as before.
     */
    static boolean rowsShareB(int m, int n, int k, int ars, int acs, int brs, int bcs) {
        long packA = (long) m * k * (ars == 1 ? 1 : acs == 1 ? 2 : 3);
        long packB = (long) k * n * (bcs == 1 ? 1 : 3);
        return packB <= packA;
    }

    /**
     * Row tiles per piece when an unpacked product ({@link SimdMatmul#direct}) is split by rows: the threads
     * take pieces in turn ({@link Parallel#forPieces}), so a thread the machine slows down leaves its
     * rows to the other instead of holding up the join. Unpacked, a piece costs no extra packing.
     * Float64 64³ on two threads: ~8.0 µs either way normally; in one JVM whose second thread ran
     * slow throughout, ~11.3 µs in pieces against ~14.0 µs in halves (one thread alone: ~12 µs).
     */
    static final int DIRECT_PIECE_TILES = 2;

    /**
     * Runs {@code body} on all of C, or on strips of whole micro-tiles across threads: by rows when
     * {@code byRows} (see {@link #rowsShareB}) and C has at least two rows of tiles, else by columns
     * when it has two columns of tiles. Packed products reach it split by columns (or, one tile
     * wide, by rows: {@link #packed} takes the other row splits), one strip per thread, each strip
     * packing its own panels; unpacked ones ({@code direct}) split by rows take
     * {@link #DIRECT_PIECE_TILES}-tile pieces in turn.
     */
    static void splitC(int m, int n, int mr, int nr, boolean parallel, boolean byRows, Block body) {
        splitC(m, n, mr, nr, parallel, byRows, false, body);
    }

    static void splitC(int m, int n, int mr, int nr, boolean parallel, boolean byRows, boolean direct, Block body) {
        int rowTiles = (m + mr - 1) / mr;
        int colTiles = (n + nr - 1) / nr;
        if (!parallel || Parallel.threads() == 1 || Math.max(rowTiles, colTiles) < 2) {
            body.run(0, m, 0, n);
        } else if (byRows ? rowTiles >= 2 : colTiles < 2) {
            Parallel.Range strip = (from, to) -> {
                int i0 = from * mr;
                body.run(i0, Math.min(m, to * mr) - i0, 0, n);
            };
            if (direct) {
                Parallel.forPieces(rowTiles, 1, DIRECT_PIECE_TILES, strip);
            } else {
                Parallel.forRange(rowTiles, 1, strip);
            }
        } else {
            Parallel.forRange(colTiles, 1, (from, to) -> {
                int j0 = from * nr;
                body.run(0, m, j0, Math.min(n, to * nr) - j0);
            });
        }
    }

    /** The part of a packed product at rows [i0, i0+rows) and columns [j0, j0+cols), or the row blocks of {@code share} taken from {@code blocks}. */
    @FunctionalInterface
    interface Part {
        void run(int i0, int rows, int j0, int cols, BlockedGemm.RowBlocks blocks, int share);
    }

    /**
     * A packed product through {@code kind}'s GEMM, split across threads when {@code parallel}: by
     * rows ({@code byRows}, see {@link #rowsShareB}) the threads take blocks of rows in turn
     * ({@link BlockedGemm.RowBlocks}), by columns each computes one strip ({@link #splitC}).
     */
    static void packed(ThreadLocal<? extends BlockedGemm> kind, int m, int k, int n, boolean parallel, boolean byRows, Part part) {
        BlockedGemm mine = kind.get();
        int threads = Parallel.threads();
        if (parallel && threads > 1 && byRows && m >= 2 * mine.mr) {
            BlockedGemm.RowBlocks blocks = mine.rowBlocks(m, k, n, threads);
            Parallel.forRange(threads, 1, (from, to) -> {
                try {
                    for (int share = from; share < to; share++) {
                        part.run(0, m, 0, n, blocks, share);
                    }
                } catch (RuntimeException | Error e) {
                    blocks.abandon();
                    throw e;
                }
            });
            return;
        }
        splitC(m, n, mine.mr, mine.nr, parallel, byRows, (i0, rows, j0, cols) -> part.run(i0, rows, j0, cols, null, 0));
    }
}
