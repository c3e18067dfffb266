package dev.jgrad.autograd;

import java.util.concurrent.atomic.AtomicInteger;

/** Per-thread switch for recording the graph (PyTorch's grad mode). Enabled by default. */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    /**
     * Threads whose mode is currently off. While none is, every thread records, and the per-op
     * check needs no thread-local lookup; a thread that turned its mode off counts itself here
     * first, so it always takes the exact path.
     */
    private static final AtomicInteger DISABLED_THREADS = new AtomicInteger();

    private GradMode() {
    }

    public static boolean isEnabled() {
        return DISABLED_THREADS.get() == 0 || ENABLED.get()[0];
    }

    /** Sets the mode for this thread and returns the previous one (restore it in a finally block). */
    public static boolean set(boolean enabled) {
        boolean[] cell = ENABLED.get();
        boolean previous = cell[0];
        if (previous && !enabled) {
            DISABLED_THREADS.incrementAndGet();
        }
        cell[0] = enabled;
        if (!previous && enabled) {
            DISABLED_THREADS.decrementAndGet();
        }
        return previous;
    }
}
