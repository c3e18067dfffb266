package dev.jgrad.ops;

import dev.jgrad.Reduction;
import dev.jgrad.Tensor;

/** Softmax family and losses. */
public final class Losses {
    private Losses() {
    }

    public static Tensor softmax(Tensor x, int axis) {
        throw new UnsupportedOperationException("softmax: not implemented yet");
    }

    public static Tensor logSoftmax(Tensor x, int axis) {
        throw new UnsupportedOperationException("logSoftmax: not implemented yet");
    }

    public static Tensor crossEntropy(Tensor logits, int[] labels, Reduction reduction) {
        throw new UnsupportedOperationException("crossEntropy: not implemented yet");
    }

    public static Tensor mse(Tensor x, Tensor target, Reduction reduction) {
        throw new UnsupportedOperationException("mse: not implemented yet");
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor target, Reduction reduction) {
        throw new UnsupportedOperationException("binaryCrossEntropyWithLogits: not implemented yet");
    }
}
