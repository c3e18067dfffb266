package dev.jgrad.kernels.simd;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Calls into vector loops through method handles the JIT cannot inline. A loop of σ's vector
 * form is large once compiled; a dispatcher (a switch over functions) that inlines two of them —
 * as C2 does when a workload makes two hot, SiLU's forward and its reverse rule's σ, say — runs
 * out of its inlining budget inside the second, leaves a vector helper out of line and boxes
 * every vector it passes: measured 3–4× slower in steady state than the same loop compiled on its
 * own (float32 SiLU's backward went from ~2.5 to ~9 ns per element after about a second). The
 * same held for the softmax passes ({@link SoftmaxRows}) and float32 pow's log and exp
 * ({@link FloatWideLanes#pow}). A method handle read from an array is not a constant to the JIT,
 * so each loop is compiled alone; the call costs a few nanoseconds per row piece.
 */
final class LoopHandles {
    private LoopHandles() {
    }

    /**
     * The static methods {@code names} of the lookup's class, for each type in turn: element
     * {@code t·names.length + i} is {@code names[i]} of {@code types[t]}.
     */
    static MethodHandle[] handles(MethodHandles.Lookup lookup, String[] names, MethodType... types) {
        MethodHandle[] out = new MethodHandle[names.length * types.length];
        for (int t = 0; t < types.length; t++) {
            for (int i = 0; i < names.length; i++) {
                out[t * names.length + i] = handle(lookup, lookup.lookupClass(), names[i], types[t]);
            }
        }
        return out;
    }

    /** The static method {@code name} of {@code owner}, found with the caller's {@code lookup}. */
    static MethodHandle handle(MethodHandles.Lookup lookup, Class<?> owner, String name, MethodType type) {
        try {
            return lookup.findStatic(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no loop " + owner.getSimpleName() + "." + name + type, e);
        }
    }

    /** {@code (x[], xp, o[], op, n) → done} over arrays of {@code array}: a map loop. */
    static MethodType mapType(Class<?> array) {
        return MethodType.methodType(int.class, array, int.class, array, int.class, int.class);
    }

    /** {@code (x[], xp, sx, g[], gp, sg, o[], op, n) → done} over arrays of {@code array}: a zip loop. */
    static MethodType zipType(Class<?> array) {
        return MethodType.methodType(int.class, array, int.class, int.class, array, int.class, int.class,
                array, int.class, int.class);
    }

    /** What a loop threw, rethrown unchanged when unchecked (the loops throw nothing checked). */
    static RuntimeException unchecked(Throwable e) {
        if (e instanceof Error err) {
            throw err;
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
}
