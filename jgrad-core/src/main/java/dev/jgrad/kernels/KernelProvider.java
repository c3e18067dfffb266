package dev.jgrad.kernels;

/**
 * Chooses the kernel implementation once, at start-up. The system property
 * {@code jgrad.kernels=scalar} forces the scalar reference implementation.
 */
public final class KernelProvider {

    private static final Kernels INSTANCE = choose();

    private KernelProvider() {
    }

    /** The kernels every op uses. */
    public static Kernels get() {
        return INSTANCE;
    }

    private static Kernels choose() {
        return new ScalarKernels();
    }
}
