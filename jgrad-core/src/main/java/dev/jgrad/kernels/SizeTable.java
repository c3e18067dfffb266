package dev.jgrad.kernels;

import java.util.function.BiFunction;

/**
 * A fixed number of slots, each for one array length and dtype, the least recently used entry
 * giving its slot to a new one: the bookkeeping {@link ArrayPool} (released tensors' arrays) and
 * {@link FreshArrays} (arrays zero-filled ahead of need) share. What an entry holds, and what
 * counts as using it, is theirs. Not thread-safe: both call it holding their own lock.
 *
 * @param <E> the owner's entry type
 */
final class SizeTable<E extends SizeTable.Entry> {
    /** One length and dtype. */
    abstract static class Entry {
        final boolean doubles;
        final int length;
        /** {@code length} elements of the dtype, in bytes. */
        final long bytes;
        /** When the owner last used the entry, on the owner's clock; the lowest is dropped first. */
        long lastUse;

        Entry(boolean doubles, int length) {
            this.doubles = doubles;
            this.length = length;
            this.bytes = (long) length * (doubles ? Double.BYTES : Float.BYTES);
        }

        /** Called when the entry leaves the table: let go of the arrays it holds and count them out. */
        abstract void dropped();
    }

    private final Entry[] slots;
    private final BiFunction<Boolean, Integer, E> create;

    /** A table of {@code size} slots whose new entries {@code create(doubles, length)} makes. */
    SizeTable(int size, BiFunction<Boolean, Integer, E> create) {
        this.slots = new Entry[size];
        this.create = create;
    }

    /** The entry for this length and dtype, or null. */
    E find(boolean doubles, int length) {
        for (Entry s : slots) {
            if (s != null && s.doubles == doubles && s.length == length) {
                return cast(s);
            }
        }
        return null;
    }

    /** The entry for this length and dtype, made in a free slot or in the least recently used one's when absent. */
    E findOrAdd(boolean doubles, int length) {
        int free = -1;
        int oldest = -1;
        for (int i = 0; i < slots.length; i++) {
            Entry s = slots[i];
            if (s == null) {
                free = free < 0 ? i : free;
            } else if (s.doubles == doubles && s.length == length) {
                return cast(s);
            } else if (oldest < 0 || s.lastUse < slots[oldest].lastUse) {
                oldest = i;
            }
        }
        int slot = free >= 0 ? free : oldest;
        drop(slot);
        E s = create.apply(doubles, length);
        slots[slot] = s;
        return s;
    }

    /** The number of slots. */
    int size() {
        return slots.length;
    }

    /** The entry in slot {@code i}, or null. */
    E at(int i) {
        return cast(slots[i]);
    }

    /** Whether {@code e} still has a slot. */
    boolean holds(Entry e) {
        for (Entry s : slots) {
            if (s == e) {
                return true;
            }
        }
        return false;
    }

    /** Empties slot {@code i} ({@link Entry#dropped} on its entry). */
    void drop(int i) {
        Entry s = slots[i];
        if (s != null) {
            slots[i] = null;
            s.dropped();
        }
    }

    /** Empties every slot. */
    void clear() {
        for (int i = 0; i < slots.length; i++) {
            drop(i);
        }
    }

    @SuppressWarnings("unchecked")
    private E cast(Entry s) {
        return (E) s;
    }
}
