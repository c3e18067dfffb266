package dev.jgrad.optable;

import java.util.List;

import static dev.jgrad.optable.Dims.s;
import static dev.jgrad.optable.OpSpec.op;

/** Rows for shape ops (all linear views or copies). Targets derived from the input shape live in the lambdas. */
final class ShapeRows {
    private ShapeRows() {
    }

    static List<OpSpec> rows() {
        return List.of(
                op("reshape", "reversed shape", a -> a[0].reshape(reversed(a[0].shape())))
                        .shapes(s(2, 3), s(3, 1, 2), s(0, 3), s(), s(1))
                        .ref(a -> Ref.reshape(a[0], reversed(a[0].shape()))),
                op("reshape", "-1, 2", a -> a[0].reshape(-1, 2)).shapes(s(2, 3), s(3, 1, 2), s(4))
                        .ref(a -> Ref.reshape(a[0], a[0].numel() / 2, 2)),
                op("flatten", "", a -> a[0].flatten()).shapes(s(2, 3), s(), s(3, 1, 2), s(0, 3))
                        .ref(a -> Ref.reshape(a[0], a[0].numel())),
                op("flatten", "1, -1", a -> a[0].flatten(1, -1)).shapes(s(3, 1, 2), s(2, 3), s(2, 0, 3))
                        .ref(a -> Ref.reshape(a[0], a[0].shape()[0], a[0].numel() / Math.max(1, a[0].shape()[0]))),
                op("permute", "2, 0, 1", a -> a[0].permute(2, 0, 1)).shapes(s(3, 1, 2), s(2, 0, 3), s(1, 2, 3))
                        .ref(a -> Ref.permute(a[0], 2, 0, 1)),
                op("permute", "-1, 0", a -> a[0].permute(-1, 0)).shapes(s(2, 3), s(1, 4))
                        .ref(a -> Ref.permute(a[0], 1, 0)),
                op("transpose", "0, -1", a -> a[0].transpose(0, -1)).shapes(s(2, 3), s(3, 1, 2), s(4), s(0, 2))
                        .ref(a -> Ref.swapAxes(a[0], 0, -1)),
                op("mT", "", a -> a[0].mT()).shapes(s(2, 3), s(3, 1, 2), s(0, 3))
                        .ref(a -> Ref.swapAxes(a[0], -2, -1)),
                op("squeeze", "all", a -> a[0].squeeze()).shapes(s(3, 1, 2), s(1), s(1, 1), s(2, 3), s(), s(0, 1))
                        .ref(a -> Ref.reshape(a[0], withoutOnes(a[0].shape()))),
                op("squeeze", "axis 1", a -> a[0].squeeze(1)).shapes(s(3, 1, 2), s(0, 1), s(2, 1))
                        .ref(a -> Ref.reshape(a[0], withoutAxis1(a[0].shape()))),
                op("unsqueeze", "0", a -> a[0].unsqueeze(0)).shapes(s(2, 3), s(), s(0, 3))
                        .ref(a -> Ref.unsqueeze(a[0], 0)),
                op("unsqueeze", "-1", a -> a[0].unsqueeze(-1)).shapes(s(2, 3), s(4), s(1))
                        .ref(a -> Ref.unsqueeze(a[0], -1)),
                op("broadcastTo", "2, size-1 axes to 3", a -> a[0].broadcastTo(broadcastTarget(a[0].shape())))
                        .shapes(s(1, 3), s(3, 1), s(), s(1), s(0, 1))
                        .ref(a -> Ref.broadcastTo(a[0], broadcastTarget(a[0].shape()))),
                op("expand", "2, -1 or 3", a -> a[0].expand(expandArg(a[0].shape())))
                        .shapes(s(1, 3), s(3, 1), s(), s(2, 1, 2))
                        .ref(a -> Ref.broadcastTo(a[0], broadcastTarget(a[0].shape()))),
                op("slice", "axis 1, 1 to 3", a -> a[0].slice(1, 1, 3)).shapes(s(2, 4), s(3, 3), s(0, 4))
                        .ref(a -> Ref.slice(a[0], 1, 1, 3, 1)),
                // Python clamping: -2 counts from the end, 100 clamps to the length.
                op("slice", "axis 0, -2 to 100", a -> a[0].slice(0, -2, 100)).shapes(s(4), s(3, 2), s(1, 2))
                        .ref(a -> Ref.slice(a[0], 0, Math.max(0, a[0].shape()[0] - 2), a[0].shape()[0], 1)),
                op("slice", "axis -1, 0 to 5 step 2", a -> a[0].slice(-1, 0, 5, 2)).shapes(s(2, 5), s(3), s(1), s(2, 0))
                        .ref(a -> Ref.slice(a[0], -1, 0, Math.min(5, a[0].shape()[a[0].ndim() - 1]), 2)));
    }

    static int[] reversed(int[] shape) {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[shape.length - 1 - i];
        }
        return out;
    }

    private static int[] withoutOnes(int[] shape) {
        return java.util.Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    private static int[] withoutAxis1(int[] shape) {
        int[] out = new int[shape.length - 1];
        out[0] = shape[0];
        System.arraycopy(shape, 2, out, 1, shape.length - 2);
        return out;
    }

    /** A new leading axis of 2, and every size-1 axis grown to 3. */
    static int[] broadcastTarget(int[] shape) {
        int[] out = new int[shape.length + 1];
        out[0] = 2;
        for (int i = 0; i < shape.length; i++) {
            out[i + 1] = shape[i] == 1 ? 3 : shape[i];
        }
        return out;
    }

    /** The same target as {@link #broadcastTarget}, written with −1 for every kept size. */
    private static int[] expandArg(int[] shape) {
        int[] out = broadcastTarget(shape);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                out[i + 1] = -1;
            }
        }
        return out;
    }
}
