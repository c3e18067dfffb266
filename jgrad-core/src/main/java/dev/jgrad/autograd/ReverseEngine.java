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
                    Tensor[] grads = applyVjp(node, g, 0);
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

    /**
     * Gradients of {@code output} with respect to {@code wrt} (leaves or intermediates), returned
     * rather than accumulated into anyone's {@code grad} (PyTorch's {@code torch.autograd.grad}).
     * With {@code batch > 0} the seed is {@code [B] ++ output.shape} — B cotangents pulled back
     * together — and each result is {@code [B] ++ wrt[i].shape}. Only nodes on a path to some
     * {@code wrt} run their rules, and only those are freed when {@code retainGraph} is false.
     * A {@code wrt} the output does not depend on gets zeros.
     */
    public static Tensor[] gradients(Tensor output, Tensor seed, Tensor[] wrt, boolean retainGraph, boolean createGraph,
                                     int batch) {
        Tensor[] result = new Tensor[wrt.length];
        Map<Tensor, Integer> leafIndex = new IdentityHashMap<>();
        Map<Node, Integer> nodeIndex = new IdentityHashMap<>();
        for (int i = 0; i < wrt.length; i++) {
            Node n = TensorAccess.meta(wrt[i]).gradFn();
            if (n == null) {
                leafIndex.put(wrt[i], i);
            } else {
                nodeIndex.put(n, i);
            }
        }
        Node root = TensorAccess.meta(output).gradFn();
        Tensor rootSeed = seed.dtype() == output.dtype() ? seed : seed.to(output.dtype());
        boolean previous = GradMode.set(createGraph);
        try {
            if (root == null) {
                Integer i = leafIndex.get(output);
                if (i != null) {
                    result[i] = rootSeed;
                }
            } else {
                List<Node> order = topologicalOrder(root);
                Map<Node, Boolean> needed = neededNodes(order, leafIndex, nodeIndex);
                Map<Node, Tensor> pending = new IdentityHashMap<>();
                pending.put(root, createGraph ? rootSeed : rootSeed.detach());
                try {
                    for (int idx = order.size() - 1; idx >= 0; idx--) {
                        Node node = order.get(idx);
                        Tensor g = pending.remove(node);
                        if (g == null) {
                            continue;
                        }
                        Integer own = nodeIndex.get(node);
                        if (own != null) {
                            result[own] = g;
                        }
                        if (!needed.containsKey(node)) {
                            continue;
                        }
                        Tensor[] inputs = node.inputs();
                        Tensor[] grads = applyVjp(node, g, batch);
                        for (int i = 0; i < inputs.length; i++) {
                            Tensor in = inputs[i];
                            if (!in.requiresGrad() || grads[i] == null) {
                                continue;
                            }
                            Node producer = TensorAccess.meta(in).gradFn();
                            Integer leaf = producer == null ? leafIndex.get(in) : null;
                            if (producer == null && leaf == null) {
                                continue;
                            }
                            Tensor gi = conform(node, i, in, grads[i], batch);
                            if (producer == null) {
                                result[leaf] = result[leaf] == null ? gi : result[leaf].add(gi);
                            } else {
                                pending.merge(producer, gi, Tensor::add);
                            }
                        }
                    }
                } finally {
                    // Only the part between the output and the wrt tensors is freed: what lies below a
                    // wrt (an enclosing computation, when transforms nest) stays differentiable.
                    if (!retainGraph) {
                        for (Node n : order) {
                            if (needed.containsKey(n)) {
                                n.release();
                            }
                        }
                    }
                }
            }
        } finally {
            GradMode.set(previous);
        }
        for (int i = 0; i < wrt.length; i++) {
            if (result[i] == null) {
                result[i] = Batching.zeros(batch, wrt[i]);
            }
        }
        return result;
    }

    /** Nodes some of whose inputs lead to a {@code wrt}: only those need their reverse rule run. */
    private static Map<Node, Boolean> neededNodes(List<Node> order, Map<Tensor, Integer> leafIndex,
                                                  Map<Node, Integer> nodeIndex) {
        Map<Node, Boolean> needed = new IdentityHashMap<>();
        Map<Node, Boolean> reaches = new IdentityHashMap<>();
        for (Node node : order) { // inputs' producers come first in this order
            boolean any = false;
            for (Tensor in : node.inputs()) {
                if (!in.requiresGrad()) {
                    continue;
                }
                Node p = TensorAccess.meta(in).gradFn();
                if (p == null ? leafIndex.containsKey(in) : reaches.containsKey(p)) {
                    any = true;
                    break;
                }
            }
            if (any) {
                needed.put(node, Boolean.TRUE);
            }
            if (any || nodeIndex.containsKey(node)) {
                reaches.put(node, Boolean.TRUE);
            }
        }
        return needed;
    }

    /** Runs a node's reverse rule on a cotangent, batched or not (see {@link Rules.Kind}). */
    private static Tensor[] applyVjp(Node node, Tensor g, int batch) {
        if (batch == 0) {
            return node.vjp().apply(node.output(), g);
        }
        Tensor[] inputs = node.inputs();
        if (node.kind().batchTransparent()) {
            Tensor[] grads = Batching.withLeadingAxes(1, () -> node.vjp().apply(node.output(), g));
            for (int i = 0; i < grads.length; i++) {
                if (grads[i] != null) {
                    grads[i] = Batching.fit(grads[i], batch, inputs[i].shape(), node.op(), "reverse");
                }
            }
            return grads;
        }
        Tensor[][] perSlice = new Tensor[batch][];
        for (int b = 0; b < batch; b++) {
            Tensor gb = Batching.slice(g, b);
            perSlice[b] = Batching.withLeadingAxes(0, () -> node.vjp().apply(node.output(), gb));
        }
        Tensor[] grads = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            boolean any = false;
            Tensor[] slices = new Tensor[batch];
            for (int b = 0; b < batch; b++) {
                Tensor r = perSlice[b][i];
                any |= r != null;
                slices[b] = r != null ? r : Tensor.zerosLike(inputs[i]);
            }
            grads[i] = any ? Batching.stack(slices) : null;
        }
        return grads;
    }

    private static Tensor conform(Node node, int i, Tensor in, Tensor g, int batch) {
        if (batch == 0) {
            return conform(node, i, in, g);
        }
        int[] want = Batching.batchedShape(batch, in.shape());
        if (!Arrays.equals(g.shape(), want)) {
            throw new IllegalStateException("internal error: the reverse rule of '" + node.op() + "' returned a batched gradient of shape "
                    + Shapes.str(g.shape()) + " for input " + i + ", expected " + Shapes.str(want));
        }
        return g.dtype() == in.dtype() ? g : g.to(in.dtype());
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
