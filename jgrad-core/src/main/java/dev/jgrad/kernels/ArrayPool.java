package dev.jgrad.kernels;

import java.util.ArrayDeque;

/**
 * Java arrays of released tensors ({@code Tensor.release()}), kept for the next results of the same
 * length and dtype. A new array's memory has not been touched since the garbage collector last
 * moved through that part of the heap, so its first writes miss every cache (on the benchmark
 * machine a fresh 32 KB result of a 64×64 float64 product costs ~1 µs of a ~6 µs product, a 256 KB
 * one ~15–20 µs of ~190); the array of a tensor released a moment ago is still in this core's
 * caches, as the block PyTorch's or numpy's allocator hands back is. {@link ResultArrays} takes
 * from here first (contents unspecified), {@link FreshArrays} too (zero-filled again first).
 *
 * <p>The newest array of a length goes out first. At most {@value #PER_SIZE} arrays per length and
 * dtype, {@value #SIZES} lengths (the least recently offered or taken is dropped) and
 * {@link #BUDGET_BYTES} in all are kept, held strongly; arrays of fewer than
 * {@value #MIN_ELEMENTS} elements are not kept (allocating them costs about what finding them
 * would).
 */
public final class ArrayPool {
    static final int MIN_ELEMENTS = 256;
    static final int PER_SIZE = 4;
    static final int SIZES = 16;
    /** At most 1/32 of the heap kept in all. */
    static final long BUDGET_BYTES = Runtime.getRuntime().maxMemory() / 32;
    private static final Object LOCK = new Object();
    private static final SizeTable<Size> TABLE = new SizeTable<>(SIZES, Size::new);
    /** Arrays kept; read without the lock so that allocation skips the lock while nothing is kept. */
    private static volatile int kept;
    private static long keptBytes;
    private static long clock;

    private ArrayPool() {
    }

    /** One length and dtype, with its arrays (newest last). */
    private static final class Size extends SizeTable.Entry {
        final ArrayDeque<Object> arrays = new ArrayDeque<>(PER_SIZE);

        Size(boolean doubles, int length) {
            super(doubles, length);
        }

        @Override
        void dropped() {
            keptBytes -= bytes * arrays.size();
            kept -= arrays.size();
            arrays.clear();
        }
    }

    /**
     * Keeps {@code array} (a {@code float[]} or {@code double[]} that nothing reads any more) for a
     * later result of its length, or lets it go when it is small or there is no room.
     */
    public static void offer(Object array) {
        boolean doubles = array instanceof double[];
        int length = doubles ? ((double[]) array).length : ((float[]) array).length;
        long bytes = (long) length * (doubles ? Double.BYTES : Float.BYTES);
        if (length < MIN_ELEMENTS || bytes > BUDGET_BYTES) {
            return;
        }
        synchronized (LOCK) {
            Size s = TABLE.findOrAdd(doubles, length);
            s.lastUse = ++clock;
            if (s.arrays.size() >= PER_SIZE) {
                return;
            }
            while (keptBytes + bytes > BUDGET_BYTES && dropOldest(s)) {
                // made room
            }
            if (keptBytes + bytes > BUDGET_BYTES) {
                return;
            }
            s.arrays.addLast(array);
            keptBytes += bytes;
            kept++;
        }
    }

    /** A kept {@code float[n]} (contents left by its last tensor), or null. */
    public static float[] floats(int n) {
        return (float[]) take(false, n);
    }

    /** A kept {@code double[n]} (contents left by its last tensor), or null. */
    public static double[] doubles(int n) {
        return (double[]) take(true, n);
    }

    /** Arrays kept now: for tests. */
    public static int kept() {
        return kept;
    }

    /** Lets every kept array go: for tests. */
    public static void clear() {
        synchronized (LOCK) {
            TABLE.clear();
        }
    }

    private static Object take(boolean doubles, int n) {
        if (n < MIN_ELEMENTS || kept == 0) {
            return null;
        }
        synchronized (LOCK) {
            Size s = TABLE.find(doubles, n);
            if (s == null || s.arrays.isEmpty()) {
                return null;
            }
            s.lastUse = ++clock;
            keptBytes -= s.bytes;
            kept--;
            return s.arrays.pollLast();
        }
    }

    /** Drops the arrays of the least recently used length other than {@code keep}; false when there are none. */
    private static boolean dropOldest(Size keep) {
        int oldest = -1;
        for (int i = 0; i < TABLE.size(); i++) {
            Size s = TABLE.at(i);
            if (s != null && s != keep && !s.arrays.isEmpty() && (oldest < 0 || s.lastUse < TABLE.at(oldest).lastUse)) {
                oldest = i;
            }
        }
        if (oldest < 0) {
            return false;
        }
        TABLE.drop(oldest);
        return true;
    }
}
