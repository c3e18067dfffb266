package dev.jgrad.kernels.simd;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A packed product split by rows, whose threads take blocks of rows in turn
 * ({@link BlockedGemm.RowBlocks}): whatever thread computes which block, and in whatever order the
 * threads arrive, C is the one-thread product bit for bit (each element's sums run in the same
 * order); a thread that arrives after the others finished changes nothing; a failed share stops
 * the others from waiting for its blocks.
 */
class RowBlocksTest {
    // Three depth blocks (k = 600 > kc = 256), edge tiles (n = 70), a last block shorter than the rest.
    private static final int M = 150;
    private static final int K = 600;
    private static final int N = 70;

    private static GemmF64 gemm() {
        return new GemmF64(96, 256, 2048, false);
    }

    private static double[] random(long seed, int length) {
        Random r = new Random(seed);
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    @Test
    void threadsTakingRowBlocksGiveTheOneThreadProductBitForBit() throws InterruptedException {
        double[] a = random(1, M * K);
        double[] b = random(2, K * N);
        double[] expected = new double[M * N];
        gemm().multiply(a, 0, K, 1, b, 0, N, 1, expected, 0, N, M, K, N);
        for (int trial = 0; trial < 20; trial++) {
            double[] c = new double[M * N];
            GemmF64 mine = gemm();
            GemmF64 other = gemm();
            BlockedGemm.RowBlocks blocks = mine.rowBlocks(M, K, N, 2);
            Thread t = new Thread(() -> other.multiply(a, 0, K, 1, b, 0, N, 1, c, 0, N, M, K, N, blocks, 1));
            t.start();
            mine.multiply(a, 0, K, 1, b, 0, N, 1, c, 0, N, M, K, N, blocks, 0);
            t.join();
            assertArrayEquals(expected, c, "trial " + trial);
        }
        // A thread arriving after every block is done finds all of them taken.
        double[] c = new double[M * N];
        BlockedGemm.RowBlocks blocks = gemm().rowBlocks(M, K, N, 2);
        gemm().multiply(a, 0, K, 1, b, 0, N, 1, c, 0, N, M, K, N, blocks, 1);
        assertArrayEquals(expected, c);
        java.util.Arrays.fill(c, -1);
        gemm().multiply(a, 0, K, 1, b, 0, N, 1, c, 0, N, M, K, N, blocks, 0);
        for (double v : c) {
            assertEquals(-1, v);
        }
    }

    @Test
    void aFailedShareStopsTheOthersWaitingForItsBlocks() {
        BlockedGemm.RowBlocks blocks = gemm().rowBlocks(M, K, N, 2);
        int row = blocks.take(0, 0);
        blocks.abandon();
        // The block taken at the first step was never finished: its next step cannot start.
        assertThrows(IllegalStateException.class, () -> blocks.awaitEarlierSteps(row, 1));
    }

    @Test
    void eachThreadGetsAtLeastEightBlocksNoTallerThanTheBlockSize() {
        GemmF64 g = gemm();
        assertEquals(64, g.rowBlocks(1024, 1024, 1024, 2).height);
        assertEquals(8, g.rowBlocks(128, 784, 256, 2).height);
        assertEquals(4, g.rowBlocks(8, 64, 64, 2).height);
        int height = g.rowBlocks(5000, 64, 64, 2).height;
        assertTrue(height <= 96 && height % GemmF64.MR == 0, "height " + height);
        assertTrue((5000 + height - 1) / height >= 16, "blocks of " + height + " rows");
    }
}
