package dev.jgrad.autograd;

import dev.jgrad.Tensor;
import dev.jgrad.tensor.Shapes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse mode: orders the graph below an output topologically (iteratively, so chains of any
 * length backpropagate without recursion), runs each node's VJP once with the sum of its incoming
 * cotangents, and accumulates into leaves' {@code grad}. Knows nothing of particular ops.
 */
public final class ReverseEngine {
    private ReverseEngine() {
    }

    public static void backward(Tensor output, Tensor seed, boolean retainGraph, boolean createGraph) {
        if (!output.requiresGrad()) {
            throw new IllegalStateException("backward: the output " + Shapes.str(output.shape())
                    + " does not require a gradient: no input of it has requiresGrad(true), or it was computed under noGrad()");
        }
        if (!Arrays.equals(seed.shape(), output.shape())) {
            throw new IllegalArgumentException("backward: seed shape " + Shapes.str(seed.shape())
                    + " does not match output shape " + Shapes.str(output.shape()));
        }
        Tensor rootSeed = seed.dtype() == output.dtype() ? seed : seed.to(output.dtype());
        Node root = TensorAccess.meta(output).gradFn();
        boolean previous = GradMode.set(createGraph);
        try {
            if (root == null) {
                accumulateLeaf(output, rootSeed);
                return;
            }
            List<Node> order = topologicalOrder(root);
            Map<Node, Tensor> pending = new IdentityHashMap<>();
            pending.put(root, createGraph ? rootSeed : rootSeed.detach());
            try {
                for (int idx = order.size() - 1; idx >= 0; idx--) {
                    Node node = order.get(idx);
                    Tensor g = pending.remove(node);
                    if (g == null) {
                        continue;
                    }
                    if (node.retained() != null) {
                        accumulateLeaf(node.retained(), g);
                    }
                    Tensor[] inputs = node.inputs();
                    Tensor[] grads = node.vjp().apply(node.output(), g);
                    for (int i = 0; i < inputs.length; i++) {
                        Tensor in = inputs[i];
                        if (!in.requiresGrad() || grads[i] == null) {
                            continue;
                        }
                        Tensor gi = conform(node, i, in, grads[i]);
                        Node producer = TensorAccess.meta(in).gradFn();
                        if (producer == null) {
                            accumulateLeaf(in, gi);
                        } else {
                            pending.merge(producer, gi, Tensor::add);
                        }
                    }
                }
            } finally {
                if (!retainGraph) {
                    for (Node n : order) {
                        n.release();
                    }
                }
            }
        } finally {
            GradMode.set(previous);
        }
    }

    private static Tensor conform(Node node, int i, Tensor in, Tensor g) {
        if (!Arrays.equals(g.shape(), in.shape())) {
            throw new IllegalStateException("internal error: the reverse rule of '" + node.op() + "' returned a gradient of shape "
                    + Shapes.str(g.shape()) + " for input " + i + " of shape " + Shapes.str(in.shape()));
        }
        return g.dtype() == in.dtype() ? g : g.to(in.dtype());
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        Tensor current = TensorAccess.meta(leaf).grad();
        TensorAccess.meta(leaf).setGrad(current == null ? g : current.add(g));
    }

    private static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        checkLive(root);
        seen.put(root, Boolean.TRUE);
        stack.push(new Object[] {root, 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node node = (Node) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = node.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                Node child = in.requiresGrad() ? TensorAccess.meta(in).gradFn() : null;
                if (child != null && seen.put(child, Boolean.TRUE) == null) {
                    checkLive(child);
                    stack.push(new Object[] {child, 0});
                }
            } else {
                stack.pop();
                order.add(node);
            }
        }
        return order;
    }

    private static void checkLive(Node node) {
        if (node.isReleased()) {
            throw new IllegalStateException("backward: the graph through op '" + node.op()
                    + "' was already freed by an earlier backward(); pass retainGraph=true to the first backward to run backward twice");
        }
    }
}
