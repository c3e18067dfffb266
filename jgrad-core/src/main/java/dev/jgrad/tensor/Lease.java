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
    private static final byte LIVE = 0;
    private static final byte RELEASED = 1;
    /** Storages jgrad itself shares between unrelated tensors: a release leaves them alone. */
    private static final byte PERMANENT = 2;
    /** Reader lists are pruned of computed or dropped expressions when they reach this size, then twice the survivors. */
    private static final int PRUNE_AT = 8;

    private byte state;
    /** Pending expressions with this storage as a stored operand (guarded by {@link Deferred#LOCK}). */
    private ArrayList<WeakReference<NDArray>> readers;
    private int pruneAt = PRUNE_AT;

    /** Throws when the elements were released; {@code s} names them in the message. */
    void check(Storage s) {
        if (state == RELEASED) {
            throw new IllegalStateException("jgrad: reading " + s.dtype().name().toLowerCase(java.util.Locale.ROOT) + " elements ("
                    + s.length() + " in the storage) that Tensor.release() gave back for reuse: they may hold another"
                    + " tensor's values now. Release a tensor only after its last use, including the uses of its views"
                    + " (and of the tensor it is a view of) and a backward() through a graph that saved it.");
        }
    }

    boolean released() {
        return state == RELEASED;
    }

    /** Marks a storage that jgrad shares between tensors (a constant): {@link NDArray#release} leaves it live. */
    void makePermanent() {
        state = PERMANENT;
    }

    /** True when a release may end these elements: live and not jgrad's own. */
    boolean releasable() {
        return state == LIVE;
    }

    void markReleased() {
        state = RELEASED;
        readers = null;
    }

    /** Records a pending expression that reads this storage (caller holds {@link Deferred#LOCK}). */
    void addReader(NDArray pending) {
        if (state != LIVE) {
            return;
        }
        if (readers == null) {
            readers = new ArrayList<>(4);
        } else if (readers.size() >= pruneAt) {
            readers.removeIf(r -> {
                NDArray a = r.get();
                return a == null || !a.isDeferred();
            });
            pruneAt = Math.max(PRUNE_AT, 2 * readers.size());
        }
        readers.add(new WeakReference<>(pending));
    }

    /** Computes every pending expression that still reads this storage (caller holds {@link Deferred#LOCK}). */
    void computeReaders() {
        if (readers == null) {
            return;
        }
        // Computing one may compute others (fused into its pass), and adds no readers here.
        for (WeakReference<NDArray> r : new ArrayList<>(readers)) {
            NDArray a = r.get();
            if (a != null && a.isDeferred()) {
                a.storage();
            }
        }
        readers = null;
    }
}
