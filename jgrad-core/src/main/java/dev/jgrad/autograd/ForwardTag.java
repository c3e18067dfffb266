package dev.jgrad.autograd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Identifies one forward-mode differentiation. Tangents are stored per tag, so nested forward
 * passes (forward-over-forward) never mistake one perturbation for another.
 *
 * <p>A tag may be <em>batched</em>: each tangent then has a leading axis of {@link #batch()} tangent
 * directions ({@code [B, ...shape]}), pushed through the ops together (a Jacobian's columns). A tag
 * may also <em>watch the structure</em>: it remembers which tangents were produced by ops that are
 * not element-wise at the output's shape, so a tangent it has not marked belongs to a tensor that is
 * an element-wise function (diagonal Jacobian) of the seeded input.
 */
public final class ForwardTag {
    private static final AtomicLong COUNTER = new AtomicLong();
    private final long id = COUNTER.incrementAndGet();
    private final int batch;
    private volatile boolean active = true;
    private final java.util.Set<Object> nonDiagonal;

    /** An unbatched tag: tangents have the primal's shape. */
    public ForwardTag() {
        this(0);
    }

    /** A tag whose tangents carry {@code batch} directions on a leading axis; 0 means unbatched. */
    public ForwardTag(int batch) {
        this(batch, false);
    }

    /**
     * A tag with {@code batch} directions (0: unbatched) that, when {@code watchStructure}, records
     * which tangents are not element-wise in the seed (see {@link #isDiagonal}).
     */
    public ForwardTag(int batch, boolean watchStructure) {
        if (batch < 0) {
            throw new IllegalArgumentException("forward mode: batch size must be >= 0, got " + batch);
        }
        this.batch = batch;
        this.nonDiagonal = watchStructure ? java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()) : null;
    }

    /** Creation order: a larger id is a more deeply nested forward pass. */
    public long id() {
        return id;
    }

    /** Number of tangent directions on the leading axis, or 0 when tangents are unbatched. */
    public int batch() {
        return batch;
    }

    public boolean isActive() {
        return active;
    }

    /** Ends this forward pass: its tangents stop propagating. */
    public void close() {
        active = false;
    }

    /** Whether this tag records which tangents are element-wise in the seed. */
    public boolean watchesStructure() {
        return nonDiagonal != null;
    }

    /**
     * For a structure-watching tag: true when {@code tangent} (a tangent of this tag) was produced
     * only by element-wise ops whose tangent-carrying inputs had the output's shape, starting from
     * the seed — i.e. its tensor is an element-wise function of the seeded input.
     */
    public boolean isDiagonal(Object tangent) {
        return nonDiagonal != null && !nonDiagonal.contains(tangent);
    }

    void markNonDiagonal(Object tangent) {
        nonDiagonal.add(tangent);
    }

    @Override
    public String toString() {
        return "ForwardTag#" + id + (batch > 0 ? "[batch " + batch + "]" : "");
    }
}
