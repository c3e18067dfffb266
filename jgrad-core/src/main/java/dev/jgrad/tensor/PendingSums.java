package dev.jgrad.tensor;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The pending whole-array sums ({@link Deferred#sumLater}) of each pending array, so that any
 * evaluation computing that array's elements can complete them ({@link DeferredEvaluation}). Held
 * weakly both ways; every call is made holding {@link Deferred#LOCK}.
 */
final class PendingSums {
    /** Per pending array: the pending sums of all its elements. */
    private static final Map<NDArray, List<WeakReference<NDArray>>> SUMS = new WeakHashMap<>();

    private PendingSums() {
    }

    /** Records {@code sum} as a pending sum of all of {@code x}'s elements (caller holds LOCK). */
    static void register(NDArray x, NDArray sum) {
        SUMS.computeIfAbsent(x, k -> new ArrayList<>(1)).add(new WeakReference<>(sum));
    }

    /** The pending sums of all of {@code x}'s elements still waiting (caller holds LOCK). */
    static List<NDArray> of(NDArray x) {
        List<WeakReference<NDArray>> refs = SUMS.get(x);
        if (refs == null) {
            return List.of();
        }
        List<NDArray> live = new ArrayList<>(refs.size());
        for (WeakReference<NDArray> r : refs) {
            NDArray s = r.get();
            if (s != null && s.isDeferred()) {
                live.add(s);
            }
        }
        if (live.isEmpty()) {
            SUMS.remove(x);
        }
        return live;
    }

    /** The pending arrays that have pending sums waiting (caller holds LOCK). */
    static List<NDArray> summedArrays() {
        if (SUMS.isEmpty()) {
            return List.of();
        }
        List<NDArray> out = new ArrayList<>();
        for (NDArray x : new ArrayList<>(SUMS.keySet())) {
            if (x.isDeferred() && !of(x).isEmpty()) {
                out.add(x);
            }
        }
        return out;
    }

    /** Publishes {@code total} as the value of each of {@code sums} (caller holds LOCK). */
    static void complete(List<NDArray> sums, double total) {
        for (NDArray s : sums) {
            if (s.isDeferred()) {
                Storage out = Storage.allocate(s.dtype(), 1);
                out.set(0, total);
                NDArray x = s.deferredExpression().operands[0];
                s.complete(out);
                List<WeakReference<NDArray>> refs = SUMS.get(x);
                if (refs != null) {
                    refs.removeIf(r -> r.get() == null || r.get() == s);
                    if (refs.isEmpty()) {
                        SUMS.remove(x);
                    }
                }
            }
        }
    }

    /** The blocks' sums added in order. */
    static double total(double[] blockSums) {
        double total = 0;
        for (double v : blockSums) {
            total += v;
        }
        return total;
    }
}
