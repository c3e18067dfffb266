package dev.jgrad.tensor;

import java.lang.ref.WeakReference;
import java.util.ArrayList;

/**
 * Whether a {@link Storage}'s elements may still be read: live until {@link NDArray#release} ends
 * them, after which every read ({@link NDArray#storage()}) throws instead of seeing whatever a
 * later result wrote into the recycled array. Also remembers the pending deferred expressions that read
 * the storage ({@link Deferred}), so a release computes them first: an expression built before the
 * release sees the elements as they were, as it would have had it been computed at once.
 *
 * <p>One per storage, shared by every array that shares the storage (views, broadcasts), so a
 * release reaches all of them. The state is read without synchronisation: a release must
 * happen-after every read of the elements on other threads (as {@code close()} must), and then a
 * read that comes after it on any thread that saw it throws.
 */
public final class Lease {
    /** {@link #link} once released. */
    private static final Object RELEASED = new Object();
    /** {@link #link} of storages jgrad itself shares between unrelated tensors: a release leaves them alone. */
    private static final Object PERMANENT = new Object();
    /** Reader lists are pruned of computed or dropped expressions when they reach this size, then twice the survivors. */
    private static final int PRUNE_AT = 8;

    /**
     * The state in one field, so that a lease is the smallest object (one per storage, and a 0-d
     * graph makes two storages per op): null while live with no pending readers, a
     * {@link Readers} while live with some, {@link #RELEASED} or {@link #PERMANENT}.
     */
    private Object link;

    /** The pending expressions that read a storage (guarded by {@link Deferred#LOCK}). */
    private static final class Readers {
        final ArrayList<WeakReference<NDArray>> list = new ArrayList<>(4);
        int pruneAt = PRUNE_AT;
    }

    /** Throws when the elements were released; {@code s} names them in the message. */
    void check(Storage s) {
        if (link == RELEASED) {
            throw new IllegalStateException("jgrad: reading " + s.dtype().name().toLowerCase(java.util.Locale.ROOT) + " elements ("
                    + s.length() + " in the storage) that Tensor.release() gave back for reuse: they may hold another"
                    + " tensor's values now. Release a tensor only after its last use, including the uses of its views"
                    + " (and of the tensor it is a view of) and a backward() through a graph that saved it.");
        }
    }

    boolean released() {
        return link == RELEASED;
    }

    /** Marks a storage that jgrad shares between tensors (a constant): {@link NDArray#release} leaves it live. */
    void makePermanent() {
        link = PERMANENT;
    }

    /** True when a release may end these elements: live and not jgrad's own. */
    boolean releasable() {
        return link == null || link instanceof Readers;
    }

    void markReleased() {
        link = RELEASED;
    }

    /** Records a pending expression that reads this storage (caller holds {@link Deferred#LOCK}). */
    void addReader(NDArray pending) {
        if (!releasable()) {
            return;
        }
        Readers r = (Readers) link;
        if (r == null) {
            r = new Readers();
            link = r;
        } else if (r.list.size() >= r.pruneAt) {
            r.list.removeIf(w -> {
                NDArray a = w.get();
                return a == null || !a.isDeferred();
            });
            r.pruneAt = Math.max(PRUNE_AT, 2 * r.list.size());
        }
        r.list.add(new WeakReference<>(pending));
    }

    /** Computes every pending expression that still reads this storage (caller holds {@link Deferred#LOCK}). */
    void computeReaders() {
        if (!(link instanceof Readers r)) {
            return;
        }
        // Computing one may compute others (fused into its pass), and adds no readers here.
        for (WeakReference<NDArray> w : new ArrayList<>(r.list)) {
            NDArray a = w.get();
            if (a != null && a.isDeferred()) {
                a.storage();
            }
        }
        link = null;
    }
}
