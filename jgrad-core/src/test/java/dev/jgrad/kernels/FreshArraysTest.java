package dev.jgrad.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arrays zero-filled ahead by idle workers are new, zero, of the length asked for, and handed out
 * once — whoever prepares them (the real workers run alongside these tests) and however many
 * threads ask at once; only sizes asked for lately are prepared, within the budget.
 */
class FreshArraysTest {
    private static final int[] LENGTHS = {1, 1000, FreshArrays.MIN_ELEMENTS - 1, FreshArrays.MIN_ELEMENTS, 50_001, 300_000};

    @Test
    void onlyArraysBetweenTheBoundsArePreparedAhead() {
        assertFalse(FreshArrays.eligible(FreshArrays.MIN_ELEMENTS - 1, Float.BYTES));
        assertTrue(FreshArrays.eligible(FreshArrays.MIN_ELEMENTS, Float.BYTES));
        long maxFloats = FreshArrays.MAX_BYTES / Float.BYTES;
        if (maxFloats < Integer.MAX_VALUE) {
            assertTrue(FreshArrays.eligible((int) maxFloats, Float.BYTES));
            assertFalse(FreshArrays.eligible((int) maxFloats + 1, Float.BYTES));
        }
        assertTrue(FreshArrays.BUDGET_BYTES >= FreshArrays.MAX_BYTES, "the budget holds at least one of the largest");
    }

    @Test
    void arraysAreNewZeroFilledAndNeverHandedOutTwice() {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        for (int round = 0; round < 30; round++) {
            for (int n : LENGTHS) {
                float[] f = FreshArrays.floats(n);
                double[] d = FreshArrays.doubles(n);
                assertEquals(n, f.length);
                assertEquals(n, d.length);
                assertNull(seen.put(f, true), "float[" + n + "] handed out twice");
                assertNull(seen.put(d, true), "double[" + n + "] handed out twice");
                for (int i = 0; i < n; i++) {
                    if (f[i] != 0f || d[i] != 0d) {
                        throw new AssertionError("element " + i + " of a new array of " + n + " is not zero");
                    }
                }
                // Dirty what was handed out: a later array that reused it would show it.
                java.util.Arrays.fill(f, 1f);
                java.util.Arrays.fill(d, 1d);
                while (FreshArrays.prepareOne()) {
                    // Prepare whatever is wanted now, as an idle worker would.
                }
            }
        }
    }

    @Test
    void concurrentRequestsNeverShareAnArray() throws Exception {
        int n = 40_000;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<float[]>>> asks = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                asks.add(pool.submit(() -> {
                    List<float[]> got = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        float[] a = FreshArrays.floats(n);
                        for (float v : a) {
                            if (v != 0f) {
                                throw new AssertionError("a new array is not zero");
                            }
                        }
                        a[i % n] = 1f;
                        got.add(a);
                        FreshArrays.prepareOne();
                    }
                    return got;
                }));
            }
            Map<Object, Boolean> seen = Collections.synchronizedMap(new IdentityHashMap<>());
            for (Future<List<float[]>> f : asks) {
                for (float[] a : f.get()) {
                    assertNull(seen.put(a, true), "an array was handed out twice");
                }
            }
            assertEquals(900, seen.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void preparesOnlySizesAskedForLatelyAndWithinTheBudget() {
        if (!FreshArrays.enabled()) {
            assertFalse(FreshArrays.prepareOne(), "with one thread nothing is prepared");
            return;
        }
        int n = 123_457;
        assertEquals(0, FreshArrays.readyCount(false, n), "a size nobody asked for is not prepared");
        FreshArrays.floats(n);
        while (FreshArrays.prepareOne()) {
            assertTrue(FreshArrays.readyBytes() <= FreshArrays.BUDGET_BYTES);
        }
        int ready = FreshArrays.readyCount(false, n);
        assertTrue(ready >= 1 && ready <= FreshArrays.READY_PER_SIZE, "ready arrays for a size asked for: " + ready);
        assertEquals(0, FreshArrays.readyCount(true, n), "only the dtype asked for is prepared");
        assertEquals(0, FreshArrays.readyCount(false, FreshArrays.MIN_ELEMENTS - 1), "small arrays are never prepared");
        // Ask for other sizes until this one is forgotten: its arrays are let go.
        for (int i = 0; i <= FreshArrays.FORGET_AFTER; i++) {
            FreshArrays.doubles(FreshArrays.MIN_ELEMENTS + (i % 3));
        }
        while (FreshArrays.prepareOne()) {
            assertTrue(FreshArrays.readyBytes() <= FreshArrays.BUDGET_BYTES);
        }
        assertEquals(0, FreshArrays.readyCount(false, n), "a size not asked for lately is dropped");
    }
}
