package dev.jgrad.kernels;

/**
 * Chooses the kernel implementation once, at start-up (Lucene's pattern): the SIMD kernels when the
 * {@code jdk.incubator.vector} module is in the boot layer, loaded by name so that no class
 * mentioning a vector type is ever loaded otherwise; the scalar reference implementation else.
 * The system property {@code jgrad.kernels=scalar} forces the scalar kernels.
 */
public final class KernelProvider {
    private static final String SIMD_CLASS = "dev.jgrad.kernels.simd.SimdKernels";
    private static final Kernels INSTANCE = choose();

    private KernelProvider() {
    }

    /** The kernels every op uses; {@code get().name()} says which ("simd" or "scalar"). */
    public static Kernels get() {
        return INSTANCE;
    }

    private static Kernels choose() {
        String wanted = System.getProperty("jgrad.kernels", "").trim();
        if (wanted.equalsIgnoreCase("scalar")) {
            return new ScalarKernels();
        }
        System.Logger log = System.getLogger("dev.jgrad");
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.log(System.Logger.Level.WARNING, "jgrad: SIMD kernels are off (the jdk.incubator.vector module is not"
                    + " loaded); run java with --add-modules jdk.incubator.vector to enable them");
            return new ScalarKernels();
        }
        try {
            return (Kernels) Class.forName(SIMD_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "jgrad: SIMD kernels failed to load (" + e + "); using the scalar kernels");
            return new ScalarKernels();
        }
    }
}
