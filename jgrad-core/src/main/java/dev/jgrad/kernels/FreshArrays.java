package dev.jgrad.kernels;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Zero-filled arrays for new tensors, allocated ahead of need by idle kernel workers.
 *
 * <p>Every op writes its result into a new Java array, and the JVM zero-fills a new array on the
 * allocating thread before anyone can write it. On the benchmark machine that runs at about
 * 10 GB/s (a 128 KB array 12 µs, an 800 KB one 76 µs), because the memory comes from parts of the
 * heap no core has touched lately — a training step spent more time zero-filling its outputs than
 * in most of its element-wise ops. PyTorch's allocator hands back memory freed a moment ago
 * instead; jgrad cannot know when an array is free (the garbage collector does), so it moves the
 * zero-filling off the critical path: each size recently asked for (from {@value #MIN_ELEMENTS}
 * elements to {@link #MAX_BYTES}) is kept {@value #READY_PER_SIZE} arrays ahead by the worker
 * threads while they wait for their next job ({@link Parallel}), and a request takes a ready one
 * when there is one. For a big result that also takes the zero-filling out of the serial part of an
 * op: the caller no longer fills 40 MB alone before the threads start, and a worker still filling
 * the next one when they do leaves its share of the pieces to the others ({@link Parallel#forPieces}).
 * The arrays are new and handed out once, so nothing about the values changes. (A released tensor's
 * array, when one of the length is kept, goes out first, zero-filled again: {@link ArrayPool}.) At most
 * {@link #BUDGET_BYTES} are held ready, softly (the garbage collector reclaims them before it
 * would run out of memory, and a worker that cannot allocate one lets all of them go); a size not
 * asked for in {@value #FORGET_AFTER} requests is dropped. With one thread ({@code -Djgrad.threads=1}), or with
 * {@code -Djgrad.freshArrays=false}, every array is allocated where it is needed.
 */
public final class FreshArrays {
    /** Smaller arrays are zero-filled quickly enough where they are needed. */
    static final int MIN_ELEMENTS = 1 << 14;
    /** At most 1/32 of the heap per array (128 MB of a 4 GB heap: a 10M-element float64 result fits). */
    static final long MAX_BYTES = Runtime.getRuntime().maxMemory() / 32;
    static final int READY_PER_SIZE = 2;
    /** At most 1/16 of the heap held ready in all. */
    static final long BUDGET_BYTES = Runtime.getRuntime().maxMemory() / 16;
    static final int FORGET_AFTER = 256;
    private static final int SIZES = 16;
    private static final boolean ENABLED = Parallel.threads() > 1 && !"false".equals(System.getProperty("jgrad.freshArrays"));
    private static final Object LOCK = new Object();
    /** The sizes asked for lately (guarded by LOCK). */
    private static final SizeTable<Size> SIZE_TABLE = new SizeTable<>(SIZES, Size::new);
    private static long requests;
    private static long readyBytes;

    private FreshArrays() {
    }

    /** One array length and dtype, with the arrays ready for it; used when last requested. */
    private static final class Size extends SizeTable.Entry {
        /** Softly held: the garbage collector takes them back before it would run out of memory. */
        final ArrayDeque<SoftReference<Object>> ready = new ArrayDeque<>();
        int inProgress;

        Size(boolean doubles, int length) {
            super(doubles, length);
        }

        @Override
        void dropped() {
            readyBytes -= bytes * ready.size();
            ready.clear();
        }
    }

    /** A zero-filled {@code float[n]}: a released tensor's array filled with zeros when one of this length is kept ({@link ArrayPool}). */
    public static float[] floats(int n) {
        float[] kept = ArrayPool.floats(n);
        if (kept != null) {
            Arrays.fill(kept, 0f);
            return kept;
        }
        Object ready = ENABLED && eligible(n, Float.BYTES) ? take(false, n) : null;
        return ready != null ? (float[]) ready : new float[n];
    }

    /** A zero-filled {@code double[n]}: a released tensor's array filled with zeros when one of this length is kept ({@link ArrayPool}). */
    public static double[] doubles(int n) {
        double[] kept = ArrayPool.doubles(n);
        if (kept != null) {
            Arrays.fill(kept, 0d);
            return kept;
        }
        Object ready = ENABLED && eligible(n, Double.BYTES) ? take(true, n) : null;
        return ready != null ? (double[]) ready : new double[n];
    }

    static boolean eligible(int n, int elementBytes) {
        return n >= MIN_ELEMENTS && (long) n * elementBytes <= MAX_BYTES;
    }

    /** A ready array of this size, or null; either way the size counts as asked for. */
    private static Object take(boolean doubles, int n) {
        synchronized (LOCK) {
            requests++;
            Size s = SIZE_TABLE.findOrAdd(doubles, n);
            s.lastUse = requests;
            for (SoftReference<Object> r = s.ready.pollFirst(); r != null; r = s.ready.pollFirst()) {
                readyBytes -= s.bytes;
                Object a = r.get();
                if (a != null) {
                    return a;
                }
            }
            return null;
        }
    }

    /**
     * Allocates one array some recently asked-for size is short of; false when none is (or the
     * budget is spent). Called by idle workers; the zero-filling runs outside the lock.
     */
    static boolean prepareOne() {
        if (!ENABLED) {
            return false;
        }
        Size target = null;
        synchronized (LOCK) {
            for (int i = 0; i < SIZE_TABLE.size() && target == null; i++) {
                Size s = SIZE_TABLE.at(i);
                if (s == null) {
                    continue;
                }
                if (requests - s.lastUse >= FORGET_AFTER) {
                    SIZE_TABLE.drop(i);
                } else if (s.ready.size() + s.inProgress < READY_PER_SIZE && readyBytes + s.bytes <= BUDGET_BYTES) {
                    target = s;
                    target.inProgress++;
                    readyBytes += s.bytes;
                }
            }
        }
        if (target == null) {
            return false;
        }
        Object a;
        try {
            a = target.doubles ? new double[target.length] : new float[target.length];
        } catch (OutOfMemoryError e) {
            // Never make the application short of memory: let go of everything held ready.
            synchronized (LOCK) {
                target.inProgress--;
                readyBytes -= target.bytes;
                SIZE_TABLE.clear();
            }
            return false;
        }
        synchronized (LOCK) {
            target.inProgress--;
            if (SIZE_TABLE.holds(target)) {
                target.ready.addLast(new SoftReference<>(a));
            } else {
                readyBytes -= target.bytes;
            }
        }
        return true;
    }

    /** Arrays ready for this size now (for tests). */
    static int readyCount(boolean doubles, int n) {
        synchronized (LOCK) {
            Size s = SIZE_TABLE.find(doubles, n);
            return s == null ? 0 : s.ready.size();
        }
    }

    /** Bytes held ready now (for tests). */
    static long readyBytes() {
        synchronized (LOCK) {
            return readyBytes;
        }
    }

    static boolean enabled() {
        return ENABLED;
    }
}
