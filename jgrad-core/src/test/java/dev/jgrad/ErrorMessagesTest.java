package dev.jgrad;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input raises IllegalArgumentException naming the op, the full shapes and the offending axis or value. */
class ErrorMessagesTest {
    private static final Tensor A = Tensor.zeros(2, 3);

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message lacks '" + part + "': " + e.getMessage());
        }
    }

    @Test
    void incompatibleBroadcastNamesOpAndBothShapes() {
        Tensor b = Tensor.zeros(4);
        assertMessage(() -> A.add(b), "add", "[2, 3] and [4]");
        assertMessage(() -> A.sub(b), "sub", "[2, 3] and [4]");
        assertMessage(() -> A.mul(b), "mul", "[2, 3] and [4]");
        assertMessage(() -> A.div(b), "div", "[2, 3] and [4]");
        assertMessage(() -> A.pow(b), "pow", "[2, 3] and [4]");
        assertMessage(() -> A.maximum(Tensor.zeros(3, 3)), "maximum", "[2, 3] and [3, 3]");
        assertMessage(() -> Tensor.where(Tensor.ones(5), A, A), "where", "[5]", "[2, 3]");
        assertMessage(() -> A.gt(b), "gt", "[2, 3] and [4]");
    }

    @Test
    void axisOutOfRangeOfEitherSign() {
        assertMessage(() -> A.sum(2), "sum", "axis 2", "[2, 3]");
        assertMessage(() -> A.sum(-3), "sum", "axis -3", "[2, 3]");
        assertMessage(() -> A.mean(5), "mean", "axis 5", "[2, 3]");
        assertMessage(() -> A.transpose(0, -3), "transpose", "axis -3", "[2, 3]");
        assertMessage(() -> A.unsqueeze(3), "unsqueeze", "axis 3", "[2, 3]");
        assertMessage(() -> A.unsqueeze(-4), "unsqueeze", "axis -4", "[2, 3]");
        assertMessage(() -> A.slice(2, 0, 1), "slice", "axis 2", "[2, 3]");
        assertMessage(() -> A.size(-3), "size", "axis -3", "[2, 3]");
        assertMessage(() -> A.flatten(0, 2), "flatten", "axis 2", "[2, 3]");
        assertMessage(() -> A.sum(new int[] {1, -1}, false), "sum", "repeated", "[2, 3]");
    }

    @Test
    void badReshape() {
        assertMessage(() -> A.reshape(4, 2), "reshape", "[2, 3]", "[4, 2]", "6");
        assertMessage(() -> A.reshape(-1, 4), "reshape", "-1", "[2, 3]");
        assertMessage(() -> A.reshape(-1, -1), "reshape", "only one", "[2, 3]");
        assertMessage(() -> A.reshape(-2, -3), "reshape", "-2", "[2, 3]");
    }

    @Test
    void badPermute() {
        assertMessage(() -> A.permute(0), "permute", "[0]", "[2, 3]");
        assertMessage(() -> A.permute(1, 1), "permute", "repeats", "[2, 3]");
        assertMessage(() -> A.permute(0, 2), "permute", "axis 2", "[2, 3]");
        assertMessage(() -> A.permute(0, 1, 2), "permute", "[0, 1, 2]", "[2, 3]");
    }

    @Test
    void squeezeBroadcastAndSliceArguments() {
        assertMessage(() -> A.squeeze(0), "squeeze", "axis 0", "size 2", "[2, 3]");
        assertMessage(() -> A.squeeze(-1), "squeeze", "axis -1", "size 3", "[2, 3]");
        assertMessage(() -> A.broadcastTo(4, 3), "broadcastTo", "[2, 3]", "[4, 3]");
        assertMessage(() -> A.expand(3), "expand", "[3]", "[2, 3]");
        assertMessage(() -> A.slice(0, 0, 2, 0), "slice", "step", "0", "[2, 3]");
    }

    @Test
    void badValues() {
        assertMessage(() -> A.clamp(1, 0), "clamp", "min=1.0", "max=0.0", "[2, 3]");
        assertMessage(() -> A.clamp(Double.NaN, 0), "clamp", "NaN", "[2, 3]");
        assertMessage(() -> A.leakyRelu(Double.POSITIVE_INFINITY), "leakyRelu", "Infinity", "[2, 3]");
        assertMessage(() -> A.get(2, 0), "get", "index 2", "[2, 3]");
        assertMessage(() -> A.get(0), "get", "[2, 3]");
        assertMessage(() -> Tensor.arange(0, 1, 0), "arange", "step=0");
    }
}
