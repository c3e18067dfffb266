package dev.jgrad.optable;

import dev.jgrad.Tensor;

import java.util.List;

import static dev.jgrad.optable.Dims.s;
import static dev.jgrad.optable.OpSpec.op;

/**
 * Rows for joining, splitting and indexing. A row returns one tensor, so split and chunk get one
 * row per interesting piece (the unused pieces must receive zero gradient). Index arguments are
 * constants built inside the lambdas from the input shape.
 */
final class JoinRows {
    private JoinRows() {
    }

    static List<OpSpec> rows() {
        return List.of(
                op("concat", "axis 0", a -> Tensor.concat(0, a[0], a[1])).args(Domain.REAL, Domain.REAL)
                        .cases(new int[][] {s(2, 3), s(1, 3)}, new int[][] {s(0, 3), s(2, 3)}, new int[][] {s(2), s(3)})
                        .ref(a -> Ref.concat(0, a[0], a[1])),
                op("concat", "axis -1, three parts", a -> Tensor.concat(-1, a[0], a[1], a[2]))
                        .args(Domain.REAL, Domain.REAL, Domain.REAL)
                        .cases(new int[][] {s(2, 1), s(2, 2), s(2, 0)}, new int[][] {s(1), s(1), s(1)})
                        .ref(a -> Ref.concat(-1, a[0], a[1], a[2])),
                op("concat", "axis 1, list", a -> Tensor.concat(1, List.of(a[0], a[1]))).args(Domain.REAL, Domain.REAL)
                        .cases(new int[][] {s(2, 3), s(2, 1)})
                        .ref(a -> Ref.concat(1, a[0], a[1])),
                op("stack", "axis 0", a -> Tensor.stack(0, a[0], a[1])).args(Domain.REAL, Domain.REAL)
                        .cases(new int[][] {s(2, 3), s(2, 3)}, new int[][] {s(), s()}, new int[][] {s(0), s(0)})
                        .ref(a -> Ref.concat(0, Ref.unsqueeze(a[0], 0), Ref.unsqueeze(a[1], 0))),
                op("stack", "axis -1, three parts", a -> Tensor.stack(-1, a[0], a[1], a[2]))
                        .args(Domain.REAL, Domain.REAL, Domain.REAL)
                        .cases(new int[][] {s(2), s(2), s(2)}, new int[][] {s(2, 1), s(2, 1), s(2, 1)})
                        .ref(a -> Ref.concat(-1, Ref.unsqueeze(a[0], -1), Ref.unsqueeze(a[1], -1), Ref.unsqueeze(a[2], -1))),
                op("stack", "axis 1, list", a -> Tensor.stack(1, List.of(a[0], a[1]))).args(Domain.REAL, Domain.REAL)
                        .cases(new int[][] {s(2, 3), s(2, 3)})
                        .ref(a -> Ref.concat(1, Ref.unsqueeze(a[0], 1), Ref.unsqueeze(a[1], 1))),

                op("split", "size 2 along 0, piece 0", a -> a[0].split(2, 0).get(0)).shapes(s(5, 2), s(3), s(4, 1))
                        .ref(a -> Ref.slice(a[0], 0, 0, 2, 1)),
                op("split", "size 2 along 0, last piece", a -> last(a[0].split(2, 0))).shapes(s(5, 2), s(3), s(4, 1))
                        .ref(a -> Ref.slice(a[0], 0, (a[0].shape()[0] - 1) / 2 * 2, a[0].shape()[0], 1)),
                op("split", "sizes 1, 3 along 1, piece 1", a -> a[0].split(new int[] {1, 3}, 1).get(1))
                        .shapes(s(2, 4), s(1, 4), s(0, 4))
                        .ref(a -> Ref.slice(a[0], 1, 1, 4, 1)),
                op("chunk", "3 along 0, piece 0", a -> a[0].chunk(3, 0).get(0)).shapes(s(5, 2), s(6), s(3, 2))
                        .ref(a -> Ref.slice(a[0], 0, 0, chunkSize(a[0].shape()[0], 3), 1)),
                op("chunk", "3 along -1, last piece", a -> last(a[0].chunk(3, -1))).shapes(s(2, 5), s(6), s(2, 4))
                        .ref(a -> {
                            int n = a[0].shape()[a[0].ndim() - 1];
                            int c = chunkSize(n, 3);
                            return Ref.slice(a[0], -1, (n - 1) / c * c, n, 1);
                        }),

                // Repeats and a negative index: the gradient must scatter-add.
                op("indexSelect", "axis 0, 2 0 -1 0", a -> a[0].indexSelect(0, 2, 0, -1, 0)).shapes(s(3, 2), s(4), s(3, 0))
                        .ref(a -> {
                            int n = a[0].shape()[0];
                            int[] pick = {2, 0, n - 1, 0};
                            int[] out = a[0].shape().clone();
                            out[0] = 4;
                            return Ref.take(a[0], 0, out, idx -> pick[idx[0]]);
                        }),
                op("indexSelect", "axis 1, 1 1", a -> a[0].indexSelect(1, 1, 1)).shapes(s(2, 3), s(0, 3))
                        .ref(a -> {
                            int[] out = a[0].shape().clone();
                            out[1] = 2;
                            return Ref.take(a[0], 1, out, idx -> 1);
                        }),
                op("gather", "axis 0", a -> a[0].gather(0, gatherIndex(a[0].shape(), 0)))
                        .shapes(s(3, 2), s(4), s(1, 3))
                        .ref(a -> gatherRef(a[0], 0)),
                op("gather", "axis 1", a -> a[0].gather(1, gatherIndex(a[0].shape(), 1)))
                        .shapes(s(2, 3), s(2, 1), s(2, 4))
                        .ref(a -> gatherRef(a[0], 1)),
                op("pad", "(1, 0), (2, 1) with 0.5", a -> a[0].pad(new int[][] {{1, 0}, {2, 1}}, 0.5))
                        .shapes(s(2, 3), s(0, 2), s(1, 1))
                        .ref(a -> Ref.pad(a[0], new int[][] {{1, 0}, {2, 1}}, 0.5)),
                op("pad", "(0, 2) with -1", a -> a[0].pad(new int[][] {{0, 2}}, -1)).shapes(s(3), s(1), s(0))
                        .ref(a -> Ref.pad(a[0], new int[][] {{0, 2}}, -1)));
    }

    private static Tensor last(List<Tensor> pieces) {
        return pieces.get(pieces.size() - 1);
    }

    /** PyTorch's chunk: pieces of ceil(n / chunks), the last one smaller. */
    private static int chunkSize(int n, int chunks) {
        return (n + chunks - 1) / chunks;
    }

    /** Index shape: the input's, with 2 entries along {@code axis}; values repeat (i·5 + 1) mod size. */
    static int[] gatherIndexShape(int[] shape, int axis) {
        int[] out = shape.clone();
        out[axis] = 2;
        return out;
    }

    private static double gatherIndexValue(int flat, int[] shape, int axis) {
        return (flat * 5 + 1) % shape[axis];
    }

    static Tensor gatherIndex(int[] shape, int axis) {
        int[] idxShape = gatherIndexShape(shape, axis);
        double[] values = new double[Arr.numel(idxShape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = gatherIndexValue(i, shape, axis);
        }
        return Tensor.of(values, idxShape);
    }

    private static Arr gatherRef(Arr x, int axis) {
        int[] idxShape = gatherIndexShape(x.shape(), axis);
        return Ref.take(x, axis, idxShape, idx -> gatherIndexValue(Arr.ravel(idx, idxShape), x.shape(), axis));
    }
}
