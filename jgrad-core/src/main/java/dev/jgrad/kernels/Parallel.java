package dev.jgrad.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * jgrad's own worker pool for kernels that split work across cores. Not the common pool: on a
 * 2-core machine the common pool has parallelism 1. Size: {@code -Djgrad.threads=N}, default the
 * number of available processors; 1 runs everything on the calling thread.
 */
public final class Parallel {
    private static final int THREADS = threads();
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS, Parallel::worker, null, false) : null;

    private Parallel() {
    }

    /** Work items in one range handed to {@link #forRange}: {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Number of threads kernels may use. */
    public static int threads() {
        if (POOL != null) {
            return POOL.getParallelism();
        }
        String p = System.getProperty("jgrad.threads");
        int n = Runtime.getRuntime().availableProcessors();
        if (p != null) {
            try {
                n = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("jgrad.threads: expected a positive integer, got '" + p + "'", e);
            }
        }
        return Math.max(1, n);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous chunks
     * of at least {@code minChunk} items; runs inline when that gives one chunk or when already on
     * a pool worker (no nested splitting).
     */
    public static void forRange(int n, int minChunk, Range body) {
        int chunks = POOL == null ? 1 : Math.min(THREADS, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks <= 1 || Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        RecursiveAction[] tasks = new RecursiveAction[chunks];
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(from, to);
                }
            };
        }
        // The caller runs the first chunk itself while the pool runs the rest.
        for (int c = 1; c < chunks; c++) {
            POOL.execute(tasks[c]);
        }
        tasks[0].invoke();
        for (int c = 1; c < chunks; c++) {
            tasks[c].join();
        }
    }

    private static ForkJoinWorkerThread worker(ForkJoinPool pool) {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setDaemon(true);
        t.setName("jgrad-kernel-" + t.getPoolIndex());
        return t;
    }
}
