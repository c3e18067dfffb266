package dev.jgrad.tensor;

import dev.jgrad.kernels.UnaryFn;

/**
 * Finds the sin(x) and cos(x) of one operand in a deferred expression, so that one
 * {@link dev.jgrad.kernels.Kernels#sinCosRange} call computes both from one argument reduction.
 */
final class SinCosPairs {
    private SinCosPairs() {
    }

    /**
     * Moves each cos(x) next to a sin(x) of the same operand (or the other way round) and marks the
     * pair. Moving a unary node up to just after another reader of its operand keeps operands first;
     * its buffer is then assigned while the operand and the partner are both still live.
     */
    static boolean[] pair(NDArray[] nodes) {
        boolean[] paired = new boolean[nodes.length];
        for (int i = 0; i + 1 < nodes.length; i++) {
            UnaryFn.Kind want = complement(nodes[i].deferredExpression());
            if (want == null) {
                continue;
            }
            NDArray x = nodes[i].deferredExpression().operands[0];
            for (int j = i + 1; j < nodes.length; j++) {
                Deferred e = nodes[j].deferredExpression();
                if (e.fn instanceof UnaryFn f && f.kind() == want && sameElements(e.operands[0], x)) {
                    NDArray partner = nodes[j];
                    System.arraycopy(nodes, i + 1, nodes, i + 2, j - i - 1);
                    nodes[i + 1] = partner;
                    paired[i] = true;
                    i++;
                    break;
                }
            }
        }
        return paired;
    }

    private static UnaryFn.Kind complement(Deferred d) {
        if (d.fn instanceof UnaryFn f) {
            return f.kind() == UnaryFn.Kind.SIN ? UnaryFn.Kind.COS : f.kind() == UnaryFn.Kind.COS ? UnaryFn.Kind.SIN : null;
        }
        return null;
    }

    /** Both the same pending result, or both stored arrays read from the same place (unary operands have stride 1). */
    private static boolean sameElements(NDArray a, NDArray b) {
        if (a == b) {
            return true;
        }
        if (a.isDeferred() || b.isDeferred()) {
            return false;
        }
        return a.storage() == b.storage() && a.layout().offset() == b.layout().offset();
    }
}
