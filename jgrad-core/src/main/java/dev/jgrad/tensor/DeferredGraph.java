package dev.jgrad.tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The pending expressions reachable from some arrays, in an order where operands come first. */
final class DeferredGraph {
    final List<NDArray> nodes = new ArrayList<>();
    final Map<NDArray, Integer> index = new IdentityHashMap<>();
    final Map<Storage, Boolean> leaves = new IdentityHashMap<>();

    void visit(NDArray x) {
        Deferred d = x.deferredExpression();
        if (d == null) {
            if (x.isDeferred()) {
                // Only an array handed between threads without synchronisation could look like this.
                throw new IllegalStateException("deferred array published without synchronisation");
            }
            leaves.put(x.storage(), Boolean.TRUE);
            return;
        }
        if (index.containsKey(x)) {
            return;
        }
        if (d.fn == Deferred.SUM_ALL) {
            // A pending sum read by a one-element expression: computed first, then a stored leaf.
            leaves.put(x.storage(), Boolean.TRUE);
            return;
        }
        for (NDArray o : d.operands) {
            visit(o);
        }
        index.put(x, nodes.size());
        nodes.add(x);
    }
}
