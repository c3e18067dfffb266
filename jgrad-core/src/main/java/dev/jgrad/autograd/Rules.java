package dev.jgrad.autograd;

import dev.jgrad.Tensor;

/** The op contract the engines call: a forward (JVP) and a reverse (VJP) rule per op application. */
public final class Rules {
    private Rules() {
    }

    /**
     * Forward rule: the output tangent from one tangent per input (never null: a missing tangent is
     * passed as zeros). {@code out} is the op's (differentiable) output, for rules such as
     * tanh' = 1 − y². Written with differentiable tensor ops.
     */
    @FunctionalInterface
    public interface Jvp {
        Tensor apply(Tensor out, Tensor[] tangents);
    }

    /**
     * Reverse rule: one cotangent per input (of that input's shape, or null for an input that
     * needs none) from the output's cotangent {@code g}. Written with differentiable tensor ops.
     */
    @FunctionalInterface
    public interface Vjp {
        Tensor[] apply(Tensor out, Tensor g);
    }
}
