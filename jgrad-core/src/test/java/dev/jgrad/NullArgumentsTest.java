package dev.jgrad;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A null argument is bad input like any other: an IllegalArgumentException naming the op, never an NPE. */
class NullArgumentsTest {
    private final Tensor x = Tensor.ones(2, 3);

    private static void refused(String op, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, op);
        assertTrue(e.getMessage().startsWith(op + ":"), e.getMessage());
    }

    @Test
    void nullTensorOperands() {
        refused("add", () -> x.add((Tensor) null));
        refused("sub", () -> x.sub((Tensor) null));
        refused("mul", () -> x.mul((Tensor) null));
        refused("div", () -> x.div((Tensor) null));
        refused("pow", () -> x.pow((Tensor) null));
        refused("maximum", () -> x.maximum(null));
        refused("minimum", () -> x.minimum(null));
        refused("gt", () -> x.gt((Tensor) null));
        refused("eq", () -> x.eq((Tensor) null));
        refused("matmul", () -> x.matmul(null));
        refused("dot", () -> x.dot(null));
        refused("outer", () -> x.outer(null));
        refused("gather", () -> x.gather(0, null));
        refused("mse", () -> x.mse(null));
        refused("binaryCrossEntropyWithLogits", () -> x.binaryCrossEntropyWithLogits(null));
        refused("where", () -> Tensor.where(null, x, x));
        refused("where", () -> Tensor.where(x, x, null));
    }

    @Test
    void nullArraysAndLists() {
        refused("concat", () -> Tensor.concat(0, x, null));
        refused("concat", () -> Tensor.concat(0, (List<Tensor>) null));
        refused("stack", () -> Tensor.stack(0, (Tensor[]) null));
        refused("reshape", () -> x.reshape((int[]) null));
        refused("permute", () -> x.permute((int[]) null));
        refused("broadcastTo", () -> x.broadcastTo((int[]) null));
        refused("expand", () -> x.expand((int[]) null));
        refused("split", () -> x.split((int[]) null, 0));
        refused("indexSelect", () -> x.indexSelect(0, (int[]) null));
        refused("pad", () -> x.pad(null, 0.0));
        refused("pad", () -> x.pad(new int[][] {{0, 0}, null}, 0.0));
        refused("crossEntropy", () -> x.crossEntropy((int[]) null));
        refused("crossEntropy", () -> x.crossEntropy(new int[] {0, 1}, null));
        refused("mse", () -> x.mse(x, null));
        refused("to", () -> x.to(null));
        refused("of", () -> Tensor.of((double[]) null, 2));
        refused("full", () -> Tensor.zeros((int[]) null));   // zeros, ones and full share one factory
    }
}
