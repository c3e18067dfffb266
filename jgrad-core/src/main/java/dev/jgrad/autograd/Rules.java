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
     * What the engines may assume about an op's rules.
     * <ul>
     * <li>{@link #ELEMENTWISE}: the op is element-wise over its broadcast inputs (its Jacobian is
     * diagonal once broadcasting is undone), and its rules are "batch-transparent": called with
     * tangents that carry extra leading batch axes (padded to the output's rank) the JVP returns the
     * batched output tangent, and called with a batched cotangent the VJP returns batched input
     * cotangents (broadcast sums go through {@code ShapeOps.sumTo}, which keeps
     * {@link Batching#leadingAxes()} axes). Batched Jacobians push a whole batch through such ops at once.</li>
     * <li>{@link #BATCHABLE}: rules batch-transparent in the same way (e.g. matmul, whose rules are
     * broadcasting products), but the op mixes elements.</li>
     * <li>{@link #GENERIC}: anything else; a batch is pushed through one slice at a time.</li>
     * </ul>
     */
    public enum Kind {
        ELEMENTWISE, BATCHABLE, GENERIC;

        /** Whether rules accept tangents/cotangents with a leading batch axis directly. */
        public boolean batchTransparent() {
            return this != GENERIC;
        }
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
