package dev.jgrad.autograd;

/**
 * Identifies one forward-mode differentiation. Tangents are stored per tag, so nested forward
 * passes (forward-over-forward) never mistake one perturbation for another.
 */
public final class ForwardTag {
    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();
    private final long id = COUNTER.incrementAndGet();
    private volatile boolean active = true;

    /** Creation order: a larger id is a more deeply nested forward pass. */
    public long id() {
        return id;
    }

    public boolean isActive() {
        return active;
    }

    /** Ends this forward pass: its tangents stop propagating. */
    public void close() {
        active = false;
    }

    @Override
    public String toString() {
        return "ForwardTag#" + id;
    }
}
