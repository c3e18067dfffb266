package dev.jgrad.autograd;

import dev.jgrad.Tensor;
import dev.jgrad.tensor.Shapes;

import java.util.Arrays;
import java.util.IdentityHashMap;
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
                accumulateLeaf(output, rootSeed, createGraph);
                return;
            }
            GraphOrder order = GraphOrder.below(root);
            Cotangents pending = new Cotangents(order.size(), createGraph);
            pending.set(root.slot, createGraph ? rootSeed : rootSeed.detach());
            try {
                for (int idx = order.size() - 1; idx >= 0; idx--) {
                    Node node = order.get(idx);
                    Tensor g = pending.take(idx);
                    if (g == null) {
                        continue;
                    }
                    if (node.retained() != null) {
                        accumulateLeaf(node.retained(), g, createGraph);
                    }
                    Tensor[] inputs = node.inputs();
                    Node[] producers = node.producers();
                    Tensor[] grads = applyVjp(node, g, 0);
                    for (int i = 0; i < inputs.length; i++) {
                        Tensor in = inputs[i];
                        if (!in.requiresGrad() || grads[i] == null) {
                            continue;
                        }
                        Tensor gi = conform(node, i, in, grads[i]);
                        Node producer = producers[i];
                        if (producer == null) {
                            accumulateLeaf(in, gi, createGraph);
                        } else {
                            pending.add(order.slotOf(producer), gi);
                        }
                    }
                }
            } finally {
                if (!retainGraph) {
                    order.releaseAll();
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
        Cotangents result = new Cotangents(wrt.length, createGraph);
        Node root = TensorAccess.meta(output).gradFn();
        Tensor rootSeed = seed.dtype() == output.dtype() ? seed : seed.to(output.dtype());
        boolean previous = GradMode.set(createGraph);
        try {
            if (root == null) {
                Integer i = leafIndex.get(output);
                if (i != null) {
                    result.set(i, rootSeed);
                }
            } else {
                GraphOrder order = GraphOrder.below(root);
                int[] own = wrtIndexBySlot(order, nodeIndex);
                boolean[] needed = neededNodes(order, leafIndex, own);
                Cotangents pending = new Cotangents(order.size(), createGraph);
                pending.set(root.slot, createGraph ? rootSeed : rootSeed.detach());
                try {
                    for (int idx = order.size() - 1; idx >= 0; idx--) {
                        Node node = order.get(idx);
                        Tensor g = pending.take(idx);
                        if (g == null) {
                            continue;
                        }
                        if (own[idx] >= 0) {
                            result.set(own[idx], g);
                        }
                        if (!needed[idx]) {
                            continue;
                        }
                        Tensor[] inputs = node.inputs();
                        Node[] producers = node.producers();
                        Tensor[] grads = applyVjp(node, g, batch);
                        for (int i = 0; i < inputs.length; i++) {
                            Tensor in = inputs[i];
                            if (!in.requiresGrad() || grads[i] == null) {
                                continue;
                            }
                            Node producer = producers[i];
                            Integer leaf = producer == null ? leafIndex.get(in) : null;
                            if (producer == null && leaf == null) {
                                continue;
                            }
                            Tensor gi = conform(node, i, in, grads[i], batch);
                            if (producer == null) {
                                result.add(leaf, gi);
                            } else {
                                pending.add(order.slotOf(producer), gi);
                            }
                        }
                    }
                } finally {
                    // Only the part between the output and the wrt tensors is freed: what lies below a
                    // wrt (an enclosing computation, when transforms nest) stays differentiable.
                    if (!retainGraph) {
                        for (int idx = 0; idx < order.size(); idx++) {
                            if (needed[idx]) {
                                order.get(idx).release();
                            }
                        }
                    }
                }
            }
        } finally {
            GradMode.set(previous);
        }
        Tensor[] out = new Tensor[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            Tensor r = result.take(i);
            out[i] = r != null ? r : Batching.zeros(batch, wrt[i]);
        }
        return out;
    }

    /** For each position in the order, the index of the wrt tensor that node produced, or -1. */
    private static int[] wrtIndexBySlot(GraphOrder order, Map<Node, Integer> nodeIndex) {
        int[] own = new int[order.size()];
        Arrays.fill(own, -1);
        for (Map.Entry<Node, Integer> e : nodeIndex.entrySet()) {
            Node n = e.getKey();
            if (order.contains(n)) {
                own[n.slot] = e.getValue();
            }
        }
        return own;
    }

    /** Nodes some of whose inputs lead to a {@code wrt}: only those need their reverse rule run. */
    private static boolean[] neededNodes(GraphOrder order, Map<Tensor, Integer> leafIndex, int[] own) {
        boolean[] needed = new boolean[order.size()];
        boolean[] reaches = new boolean[order.size()];
        for (int idx = 0; idx < order.size(); idx++) { // inputs' producers come first in this order
            boolean any = false;
            Node node = order.get(idx);
            Tensor[] inputs = node.inputs();
            for (int i = 0; i < inputs.length; i++) {
                Tensor in = inputs[i];
                if (!in.requiresGrad()) {
                    continue;
                }
                Node p = node.producers()[i];
                if (p == null ? leafIndex.containsKey(in) : reaches[order.slotOf(p)]) {
                    any = true;
                    break;
                }
            }
            needed[idx] = any;
            reaches[idx] = any || own[idx] >= 0;
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
        if (!Arrays.equals(TensorAccess.value(g).shapeRef(), TensorAccess.value(in).shapeRef())) {
            throw new IllegalStateException("internal error: the reverse rule of '" + node.op() + "' returned a gradient of shape "
                    + Shapes.str(g.shape()) + " for input " + i + " of shape " + Shapes.str(in.shape()));
        }
        return g.dtype() == in.dtype() ? g : g.to(in.dtype());
    }

    /** Adds {@code g} to the leaf's gradient; in place only into a buffer the engine allocated and never handed out. */
    private static void accumulateLeaf(Tensor leaf, Tensor g, boolean createGraph) {
        AutogradMeta meta = TensorAccess.meta(leaf);
        Tensor current = meta.peekGrad();
        if (current == null) {
            meta.setGrad(g);
        } else if (meta.gradOwned() && Cotangents.addInPlace(current, g)) {
            return;
        } else {
            Tensor sum = current.add(g);
            if (createGraph) {
                meta.setGrad(sum);
            } else {
                meta.setOwnedGrad(sum);
            }
        }
    }
}
