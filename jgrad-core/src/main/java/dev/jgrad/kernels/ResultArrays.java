package dev.jgrad.kernels;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Arrays for results that their kernel writes in full before anything reads them, allocated
 * without the JVM's zero-filling when jgrad is allowed to.
 *
 * <p>A new Java array is zero-filled before the allocating thread can touch it, and on a
 * small product that is a fifth of the work: a 64×64 float64 product computes in ~4.5 µs and its
 * new 32 KB result takes another ~1.1 µs to zero-fill, because fresh heap memory is not in any
 * cache. The JDK allocates its own strings without that pass ({@code jdk.internal.misc.Unsafe
 * .allocateUninitializedArray}, compiled by the JIT to an allocation that skips the zeroing); jgrad
 * does the same when the JVM exports that package to it:
 * <pre>{@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED ...}</pre>
 * ({@code =dev.jgrad} when jgrad is on the module path). That applies to arrays of fewer than
 * 16,384 elements ({@link #BELOW}); larger ones, and all of them without the flag, are normal
 * zero-filled arrays ({@link FreshArrays}), and nothing else changes. The system property
 * {@code jgrad.resultArrays} chooses: {@code auto} (the default: uninitialized when exported),
 * {@code zeroed} (never), or {@code poison} — every array filled with NaN, for tests: a kernel
 * that leaves an element unwritten then shows NaN in its result instead of a zero that may happen
 * to be right (both of the build's test runs use it). Any other value is refused.
 *
 * <p>Only a caller whose kernel writes every element of the array may use these; anything that
 * accumulates into its output, or writes a part of it, takes {@link FreshArrays}. Matrix products
 * use them only when computed on one thread (see {@code Linalg}); a product the threads share takes
 * only a released tensor's array from here ({@link #keptFloats}), else a zero-filled one. Either
 * way a released tensor's array of the length goes out first when one is kept ({@link ArrayPool}).
 */
public final class ResultArrays {
    /** How arrays are made: {@link #UNINITIALIZED}, {@link #ZEROED} or {@link #POISON}. */
    static final int UNINITIALIZED = 0;
    static final int ZEROED = 1;
    static final int POISON = 2;
    static final int MODE = chooseMode();
    /**
     * Larger arrays stay zero-filled ({@link FreshArrays}): in JMH on the benchmark machine an
     * uninitialized 1024×1024 result made softmax and the MLP step slower, not faster, and a
     * 256×256 product gained nothing on one thread. Under G1 (the JVM's default collector) an
     * array that does not fit in what is left of the thread's allocation buffer (at most 1 MB with
     * 2 MB regions) is allocated on the JIT's slow path, which zero-fills it whatever was asked
     * ({@code OptoRuntime::new_array_C}, seen with perf): the 1024×1024 results were zero-filled
     * on the calling thread instead of taken ready from the workers. Where the JVM leaves them
     * uninitialized, the kernels' first writes into cold memory cost what zero-filling did
     * (docs/performance-notes.md and BENCHMARKS.md have the measurements).
     */
    static final int BELOW = FreshArrays.MIN_ELEMENTS;

    private ResultArrays() {
    }

    /**
     * A {@code float[n]} whose contents are unspecified (NaN in poison mode): write all of it. The
     * array of a released tensor when one of this length is kept ({@link ArrayPool}).
     */
    public static float[] floats(int n) {
        float[] kept = keptFloats(n);
        if (kept != null) {
            return kept;
        }
        if (MODE == UNINITIALIZED && n < BELOW) {
            return Internal.floats(n);
        }
        float[] a = FreshArrays.floats(n);
        if (MODE == POISON) {
            java.util.Arrays.fill(a, Float.NaN);
        }
        return a;
    }

    /**
     * A {@code double[n]} whose contents are unspecified (NaN in poison mode): write all of it. The
     * array of a released tensor when one of this length is kept ({@link ArrayPool}).
     */
    public static double[] doubles(int n) {
        double[] kept = keptDoubles(n);
        if (kept != null) {
            return kept;
        }
        if (MODE == UNINITIALIZED && n < BELOW) {
            return Internal.doubles(n);
        }
        double[] a = FreshArrays.doubles(n);
        if (MODE == POISON) {
            java.util.Arrays.fill(a, Double.NaN);
        }
        return a;
    }

    /** A released tensor's {@code float[n]} ({@link ArrayPool}; NaN in poison mode), or null when none is kept. */
    public static float[] keptFloats(int n) {
        float[] kept = ArrayPool.floats(n);
        if (kept != null && MODE == POISON) {
            java.util.Arrays.fill(kept, Float.NaN);
        }
        return kept;
    }

    /** A released tensor's {@code double[n]} ({@link ArrayPool}; NaN in poison mode), or null when none is kept. */
    public static double[] keptDoubles(int n) {
        double[] kept = ArrayPool.doubles(n);
        if (kept != null && MODE == POISON) {
            java.util.Arrays.fill(kept, Double.NaN);
        }
        return kept;
    }

    /** "uninitialized", "zeroed" or "poison": how result arrays are being made. */
    public static String mode() {
        return MODE == UNINITIALIZED ? "uninitialized" : MODE == POISON ? "poison" : "zeroed";
    }

    private static int chooseMode() {
        boolean exported = Object.class.getModule().isExported("jdk.internal.misc", ResultArrays.class.getModule());
        int mode = chooseMode(System.getProperty("jgrad.resultArrays", "auto"), exported);
        if (mode != UNINITIALIZED) {
            return mode;
        }
        try {
            // Touch the JDK's method once here: a JDK without it fails now, not inside an op.
            return Internal.floats(1).length == 1 ? UNINITIALIZED : ZEROED;
        } catch (LinkageError | RuntimeException e) {
            System.getLogger("dev.jgrad").log(System.Logger.Level.WARNING,
                    "jgrad: uninitialized result arrays are unavailable (" + e + "); zero-filling them");
            return ZEROED;
        }
    }

    /** The mode the property asks for, given whether {@code jdk.internal.misc} is exported to jgrad. */
    static int chooseMode(String property, boolean exported) {
        String wanted = property.trim();
        if (wanted.equalsIgnoreCase("poison")) {
            return POISON;
        }
        if (wanted.equalsIgnoreCase("zeroed")) {
            return ZEROED;
        }
        if (!wanted.equalsIgnoreCase("auto")) {
            throw new IllegalArgumentException("jgrad.resultArrays: expected auto, zeroed or poison, got '" + property + "'");
        }
        return exported ? UNINITIALIZED : ZEROED;
    }

    /** An uninitialized {@code float[n]} through the JDK's method (for tests: the package must be exported). */
    static float[] uninitializedFloats(int n) {
        return Internal.floats(n);
    }

    /** An uninitialized {@code double[n]} through the JDK's method (for tests: the package must be exported). */
    static double[] uninitializedDoubles(int n) {
        return Internal.doubles(n);
    }

    /**
     * The JDK's method, found by name once the package is known to be exported (jgrad is compiled
     * against the public API only). Called through constant method handles, which the JIT inlines
     * down to the allocation itself.
     */
    private static final class Internal {
        private static final MethodHandle FLOATS;
        private static final MethodHandle DOUBLES;

        static {
            try {
                Class<?> unsafe = Class.forName("jdk.internal.misc.Unsafe");
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                Object u = lookup.findStatic(unsafe, "getUnsafe", MethodType.methodType(unsafe)).invoke();
                MethodHandle alloc = lookup.findVirtual(unsafe, "allocateUninitializedArray",
                        MethodType.methodType(Object.class, Class.class, int.class)).bindTo(u);
                FLOATS = MethodHandles.insertArguments(alloc, 0, float.class)
                        .asType(MethodType.methodType(float[].class, int.class));
                DOUBLES = MethodHandles.insertArguments(alloc, 0, double.class)
                        .asType(MethodType.methodType(double[].class, int.class));
            } catch (Throwable e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static float[] floats(int n) {
            try {
                return (float[]) FLOATS.invokeExact(n);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        static double[] doubles(int n) {
            try {
                return (double[]) DOUBLES.invokeExact(n);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
