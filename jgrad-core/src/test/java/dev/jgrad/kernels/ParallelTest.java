package dev.jgrad.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Parallel}: every item of a range is run exactly once, whichever thread runs it; a failure
 * in any share reaches the caller; nested and concurrent calls complete; a parked worker is woken.
 */
class ParallelTest {
    private static final int[] SIZES = {0, 1, 2, 3, 17, 1000, 65_537, 300_001};

    private static void assertEachOnce(AtomicIntegerArray seen, String what) {
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), what + ": item " + i);
        }
    }

    @Test
    void forRangeAndForPiecesRunEveryItemOnce() {
        for (int n : SIZES) {
            for (int minChunk : new int[] {1, 7, 1 << 16}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                Parallel.forRange(n, minChunk, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                assertEachOnce(seen, "forRange n=" + n + " minChunk=" + minChunk);
                for (int grain : new int[] {1, 5, 4096}) {
                    AtomicIntegerArray pieces = new AtomicIntegerArray(n);
                    Parallel.forPieces(n, minChunk, grain, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            pieces.incrementAndGet(i);
                        }
                    });
                    assertEachOnce(pieces, "forPieces n=" + n + " minChunk=" + minChunk + " grain=" + grain);
                }
            }
        }
    }

    /** The failing share is the last one (a worker's when there is one), the first, or an Error; the pool goes on working. */
    @Test
    void aFailureInAnyShareReachesTheCaller() {
        int n = 1000;
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> Parallel.forRange(n, 1, (from, to) -> {
            if (to == n) {
                throw new IllegalStateException("last share");
            }
        }));
        assertEquals("last share", late.getMessage());
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(n, 1, (from, to) -> {
            if (from == 0) {
                throw new IllegalArgumentException("first share");
            }
        }));
        assertEquals("first share", early.getMessage());
        AssertionError error = new AssertionError("an error");
        assertSame(error, assertThrows(AssertionError.class, () -> Parallel.forPieces(n, 1, 10, (from, to) -> {
            if (from == 990) {
                throw error;
            }
        })));
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Parallel.forRange(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                seen.incrementAndGet(i);
            }
        });
        assertEachOnce(seen, "after failures");
    }

    @Test
    void nestedCallsComplete() {
        int outer = 64;
        int inner = 5000;
        AtomicIntegerArray seen = new AtomicIntegerArray(outer * inner);
        Parallel.forRange(outer, 1, (from, to) -> {
            for (int o = from; o < to; o++) {
                int base = o * inner;
                Parallel.forPieces(inner, 1, 100, (a, b) -> {
                    for (int i = a; i < b; i++) {
                        seen.incrementAndGet(base + i);
                    }
                });
            }
        });
        assertEachOnce(seen, "nested");
    }

    @Test
    void concurrentCallersEachGetAllTheirItems() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(callers.submit(() -> {
                    for (int call = 0; call < 200; call++) {
                        AtomicIntegerArray seen = new AtomicIntegerArray(3001);
                        Parallel.forRange(seen.length(), 1, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                seen.incrementAndGet(i);
                            }
                        });
                        assertEachOnce(seen, "concurrent call " + call);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /** Past the spin time the workers park; a call then wakes them (or does their share itself). */
    @Test
    void callsAfterTheWorkersParkedComplete() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            Thread.sleep(Parallel.DEFAULT_SPIN_MICROS / 1000 + 5);
            AtomicIntegerArray seen = new AtomicIntegerArray(100_000);
            Parallel.forPieces(seen.length(), 1000, 1000, (from, to) -> {
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            });
            assertEachOnce(seen, "round " + round);
        }
        assertTrue(Parallel.threads() >= 1);
    }
}
