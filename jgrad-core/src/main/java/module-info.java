/**
 * jgrad: automatic differentiation of n-dimensional tensors, in pure Java. The API lives in
 * {@code dev.jgrad}; kernels, the tensor layer, ops and engines are internal.
 */
module dev.jgrad {
    exports dev.jgrad;
}
