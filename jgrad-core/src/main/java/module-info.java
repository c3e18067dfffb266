/**
 * jgrad: automatic differentiation of n-dimensional tensors, in pure Java. The API lives in
 * {@code dev.jgrad}; kernels, the tensor layer, ops and engines are internal.
 */
module dev.jgrad {
    // Optional: the SIMD kernels are used only when the module is resolved (--add-modules jdk.incubator.vector).
    requires static jdk.incubator.vector;
    exports dev.jgrad;
}
