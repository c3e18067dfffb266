package dev.jgrad.autograd;

import dev.jgrad.Tensor;

/**
 * One recorded op application in the reverse-mode graph: the op's name, its inputs and its
 * reverse rule (VJP). Released (inputs and rule dropped) after a backward pass unless the graph is
 * retained, so saved tensors can be collected.
 */
public final class Node {
    private final String op;
    private final Rules.Kind kind;
    private Tensor[] inputs;
    /** The node that produced each input (null for leaves and untracked inputs), read at record time. */
    private Node[] producers;
    private Rules.Vjp vjp;
    private Tensor output;
    private boolean released;
    /** The output tensor, kept only when the user asked it to retain its gradient. */
    private Tensor retained;
    /** Id of the backward pass that last ordered this node, and the node's position in that order. */
    long mark;
    int slot;

    Node(String op, Rules.Kind kind, Tensor[] inputs, Rules.Vjp vjp, Tensor output) {
        this.op = op;
        this.kind = kind;
        this.inputs = inputs;
        this.producers = producersOf(inputs);
        this.vjp = vjp;
        this.output = output;
    }

    /** Name of the op that produced the output, e.g. "mul". */
    public String op() {
        return op;
    }

    Rules.Kind kind() {
        return kind;
    }

    /** True after a backward pass without {@code retainGraph} released this node. */
    public boolean isReleased() {
        return released;
    }

    Tensor[] inputs() {
        return inputs;
    }

    /**
     * Producers of the inputs. A tensor's producer is fixed when it is created (only leaves, which
     * have none, may change requiresGrad), so reading them once lets graph walks skip the tensors.
     */
    Node[] producers() {
        return producers;
    }

    private static Node[] producersOf(Tensor[] inputs) {
        Node[] p = new Node[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            p[i] = TensorAccess.meta(inputs[i]).gradFn();
        }
        return p;
    }

    Rules.Vjp vjp() {
        return vjp;
    }

    Tensor output() {
        return output;
    }

    Tensor retained() {
        return retained;
    }

    void retain(Tensor output) {
        this.retained = output;
    }

    void release() {
        inputs = null;
        producers = null;
        vjp = null;
        output = null;
        released = true;
    }

    @Override
    public String toString() {
        return "<" + op + "Backward" + (released ? ", released" : "") + ">";
    }
}
