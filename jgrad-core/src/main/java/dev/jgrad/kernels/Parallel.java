package dev.jgrad.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

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
        runAll(tasks);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in pieces of {@code grain} items that the calling thread
     * and the pool's workers take in turn until none is left, when {@code n} is at least two
     * {@code minChunk}s (otherwise, or on a pool worker, inline as one range). Only for work whose
     * result does not depend on how it is split: a thread the machine slows down (other load, a
     * noisy neighbour) leaves its remaining pieces to the others instead of holding up the join.
     */
    public static void forPieces(int n, int minChunk, int grain, Range body) {
        int pieces = (int) Math.min(Integer.MAX_VALUE, ((long) n + grain - 1) / Math.max(1, grain));
        int workers = POOL == null ? 1 : Math.min(Math.min(THREADS, pieces), Math.max(1, n / Math.max(1, minChunk)));
        if (workers <= 1 || Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable take = () -> {
            for (int p = next.getAndIncrement(); p < pieces; p = next.getAndIncrement()) {
                int from = (int) ((long) p * grain);
                body.run(from, (int) Math.min(n, (long) from + grain));
            }
        };
        RecursiveAction[] tasks = new RecursiveAction[workers];
        for (int c = 0; c < workers; c++) {
            tasks[c] = new RecursiveAction() {
                @Override
                protected void compute() {
                    take.run();
                }
            };
        }
        runAll(tasks);
    }

    /** The caller runs the first task itself while the pool runs the rest; returns when all are done. */
    private static void runAll(RecursiveAction[] tasks) {
        for (int c = 1; c < tasks.length; c++) {
            POOL.execute(tasks[c]);
        }
        tasks[0].invoke();
        for (int c = 1; c < tasks.length; c++) {
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
