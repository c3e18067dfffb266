package dev.jgrad.ops;

import dev.jgrad.Tensor;

/** Matrix products with NumPy/PyTorch semantics. */
public final class Linalg {
    private Linalg() {
    }

    public static Tensor matmul(Tensor a, Tensor b) {
        throw new UnsupportedOperationException("matmul: not implemented yet");
    }

    public static Tensor dot(Tensor a, Tensor b) {
        throw new UnsupportedOperationException("dot: not implemented yet");
    }

    public static Tensor outer(Tensor a, Tensor b) {
        throw new UnsupportedOperationException("outer: not implemented yet");
    }
}
