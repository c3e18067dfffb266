package dev.jgrad.kernels;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * jgrad's own worker threads for kernels that split work across cores (not the common pool: on a
 * 2-core machine it has parallelism 1). Size: {@code -Djgrad.threads=N}, default the number of
 * available processors; 1 runs everything on the calling thread. The caller always does a share of
 * the work itself and the workers do the rest.
 *
 * <p>A worker that finishes keeps polling for the next job (yielding to any other runnable thread) for {@code -Djgrad.spinMicros} (default
 * {@value #DEFAULT_SPIN_MICROS} µs) before it parks, as OpenMP runtimes do: waking a parked thread
 * cost 20–90 µs here (longer than many whole kernels: two 20 µs halves took 38–55 µs), while
 * consecutive ops of a training step or a benchmark loop come microseconds apart. A job a worker
 * has not started by the time the caller has finished its own share is run by the caller, so a
 * slow-to-wake or busy worker costs at most the serial time, never a wait.
 */
public final class Parallel {
    private static final int THREADS = configuredThreads();
    static final long DEFAULT_SPIN_MICROS = 500;
    private static final long SPIN_NANOS = spinNanos();
    private static final Worker[] WORKERS = startWorkers(THREADS - 1);

    private Parallel() {
    }

    /** Work items in one range handed to {@link #forRange}: {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * From this many multiply-adds on, one matrix product (either dtype) is split across the threads
     * (the SIMD kernels' threshold; see {@code SimdMatmul}). 64³ (2¹⁸) stays on one thread and the
     * MLP's 128·256·10 products (327,680) are split. Measured on the Zen 5 guest (JMH): 64³ float64
     * took 4.68 µs on one thread and 5.70 µs split across two (three forks each; in three full runs
     * the split product's speed was bimodal per JVM: 1.20×, 0.73×, 1.00× numpy's two-thread time);
     * 64³ float32 ~2.4 µs on one thread, and split either ~2.3 or ~4.2 µs depending on the JVM (one
     * full run: 4.2 µs in both forks, 0.68× numpy). It was 2¹⁷ when the kernels were slower and a
     * split still paid at 64³.
     */
    public static final long MATMUL_PARALLEL_WORK = (1L << 18) + (1L << 15);

    /** Number of threads kernels may use (the caller and the workers). */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous chunks
     * of at least {@code minChunk} items; runs inline when that gives one chunk or when already on
     * a worker (no nested splitting).
     */
    public static void forRange(int n, int minChunk, Range body) {
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks <= 1 || Thread.currentThread() instanceof Worker) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        Runnable[] tasks = new Runnable[chunks];
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = () -> body.run(from, to);
        }
        runAll(tasks);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in pieces of {@code grain} items that the calling thread
     * and the workers take in turn until none is left, when {@code n} is at least two
     * {@code minChunk}s (otherwise, or on a worker, inline as one range). Only for work whose
     * result does not depend on how it is split: a thread the machine slows down (other load, a
     * noisy neighbour) leaves its remaining pieces to the others instead of holding up the join.
     */
    public static void forPieces(int n, int minChunk, int grain, Range body) {
        int pieces = (int) Math.min(Integer.MAX_VALUE, ((long) n + grain - 1) / Math.max(1, grain));
        int workers = Math.min(Math.min(THREADS, pieces), Math.max(1, n / Math.max(1, minChunk)));
        if (workers <= 1 || Thread.currentThread() instanceof Worker) {
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
        Runnable[] tasks = new Runnable[workers];
        Arrays.fill(tasks, take);
        runAll(tasks);
    }

    /**
     * The caller runs the first task while the workers are offered the rest; then the caller runs
     * every offered task no worker has started, waits for the started ones, and rethrows the first
     * failure.
     */
    private static void runAll(Runnable[] tasks) {
        Job[] jobs = new Job[tasks.length - 1];
        for (int c = 1; c < tasks.length; c++) {
            jobs[c - 1] = new Job(tasks[c]);
            WORKERS[c - 1].offer(jobs[c - 1]);
        }
        Throwable failure = null;
        try {
            tasks[0].run();
        } catch (Throwable t) {
            failure = t;
        }
        for (Job job : jobs) {
            if (job.claim()) {
                if (failure == null) {
                    job.run();
                } else {
                    job.state.set(Job.DONE);
                }
            } else {
                job.await();
            }
            if (failure == null) {
                failure = job.failure;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("kernel task failed", failure);
        }
    }

    /** One task handed to a worker, run exactly once: by the worker, or by the caller if it claims it first. */
    private static final class Job {
        static final int PENDING = 0;
        static final int CLAIMED = 1;
        static final int DONE = 2;
        final Runnable body;
        final AtomicInteger state = new AtomicInteger(PENDING);
        volatile Throwable failure;

        Job(Runnable body) {
            this.body = body;
        }

        boolean claim() {
            return state.compareAndSet(PENDING, CLAIMED);
        }

        /** Runs the claimed task and publishes the outcome. */
        void run() {
            try {
                body.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                state.set(DONE);
            }
        }

        /** Waits for a task another thread claimed: it is running, so spin, yielding now and then. */
        void await() {
            for (int spins = 0; state.get() != DONE; spins++) {
                if ((spins & 0xFFF) == 0xFFF) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }

    /** A worker thread: polls its slot for jobs (yielding between polls) for a while after each one, then parks. */
    private static final class Worker extends Thread {
        private final AtomicReference<Job> slot = new AtomicReference<>();
        private volatile boolean parked;

        Worker(int index) {
            super("jgrad-kernel-" + index);
            setDaemon(true);
        }

        /** Hands over a job; one the worker cannot take (its slot holds a job not yet started) is left to the caller. */
        void offer(Job job) {
            Job current = slot.get();
            if ((current == null || current.state.get() != Job.PENDING) && slot.compareAndSet(current, job) && parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Job job = slot.getAndSet(null);
                if (job != null) {
                    if (job.claim()) {
                        job.run();
                    }
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    // Zero-fill an array the caller will soon ask for (FreshArrays), or yield rather
                    // than spin in place: the JIT's compiler threads, the GC's and the application's
                    // own get the core whenever they want it (spinning in place starved the
                    // compilers on 2 cores and stretched the MLP step's warm-up).
                    if (!FreshArrays.prepareOne()) {
                        Thread.yield();
                    }
                } else {
                    // Dekker with offer(): either this re-check sees the job or offer() sees parked and unparks.
                    parked = true;
                    if (slot.get() == null) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }

    private static Worker[] startWorkers(int n) {
        Worker[] workers = new Worker[Math.max(0, n)];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
        return workers;
    }

    private static int configuredThreads() {
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

    private static long spinNanos() {
        String p = System.getProperty("jgrad.spinMicros");
        if (p == null) {
            return DEFAULT_SPIN_MICROS * 1000;
        }
        try {
            return Math.max(0, Long.parseLong(p.trim())) * 1000;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jgrad.spinMicros: expected a whole number of microseconds (0 parks at once), got '" + p + "'", e);
        }
    }
}
