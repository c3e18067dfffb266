package dev.jgrad.autograd;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nodes below an output in topological order (inputs' producers first), found iteratively so
 * chains of any length need no recursion. Each node is stamped with this pass's id and its position,
 * so lookups need no hash map; a node stamped by another pass meanwhile is reported, not misread.
 */
final class GraphOrder {
    private static final AtomicLong PASSES = new AtomicLong();

    private final long pass = PASSES.incrementAndGet();
    private Node[] nodes = new Node[16];
    private int size;

    private GraphOrder() {
    }

    static GraphOrder below(Node root) {
        GraphOrder order = new GraphOrder();
        order.build(root);
        return order;
    }

    int size() {
        return size;
    }

    Node get(int idx) {
        return nodes[idx];
    }

    boolean contains(Node n) {
        return n.mark == pass && n.slot >= 0 && n.slot < size && nodes[n.slot] == n;
    }

    /** Position of {@code n}, a node of this graph. */
    int slotOf(Node n) {
        if (!contains(n)) {
            throw new IllegalStateException("backward: the graph through op '" + n.op()
                    + "' is being differentiated by another backward pass at the same time");
        }
        return n.slot;
    }

    void releaseAll() {
        for (int i = 0; i < size; i++) {
            nodes[i].release();
        }
    }

    private void build(Node root) {
        // Depth-first with an explicit stack of (node, next input) frames; a node is appended once
        // all its inputs' producers are.
        Node[] stack = new Node[16];
        int[] next = new int[16];
        int top = 0;
        checkLive(root);
        root.mark = pass;
        root.slot = -1;
        stack[0] = root;
        next[0] = 0;
        top = 1;
        while (top > 0) {
            Node node = stack[top - 1];
            Node[] producers = node.producers();
            int i = next[top - 1];
            if (i < producers.length) {
                next[top - 1] = i + 1;
                Node child = producers[i];
                if (child != null && child.mark != pass) {
                    checkLive(child);
                    child.mark = pass;
                    child.slot = -1;
                    if (top == stack.length) {
                        stack = Arrays.copyOf(stack, top * 2);
                        next = Arrays.copyOf(next, top * 2);
                    }
                    stack[top] = child;
                    next[top] = 0;
                    top++;
                }
            } else {
                top--;
                stack[top] = null;
                if (size == nodes.length) {
                    nodes = Arrays.copyOf(nodes, size * 2);
                }
                node.slot = size;
                nodes[size++] = node;
            }
        }
    }

    private static void checkLive(Node node) {
        if (node.isReleased()) {
            throw new IllegalStateException("backward: the graph through op '" + node.op()
                    + "' was already freed by an earlier backward(); pass retainGraph=true to the first backward to run backward twice");
        }
    }
}
