package dev.jgrad.optable;

import dev.jgrad.Reduction;

import java.util.List;

import static dev.jgrad.optable.Dims.s;
import static dev.jgrad.optable.Domain.PROBABILITY;
import static dev.jgrad.optable.Domain.REAL;
import static dev.jgrad.optable.OpSpec.op;

/** Rows for matrix products, the softmax family and the losses. Class labels are constants built from the shape. */
final class LinalgLossRows {
    private LinalgLossRows() {
    }

    static List<OpSpec> rows() {
        return List.of(
                op("matmul", "", a -> a[0].matmul(a[1])).args(REAL, REAL)
                        .cases(new int[][] {s(2, 3), s(3, 4)}, new int[][] {s(3), s(3)}, new int[][] {s(3), s(3, 2)},
                                new int[][] {s(2, 3), s(3)}, new int[][] {s(2, 2, 3), s(3, 2)},
                                new int[][] {s(1, 2, 3), s(2, 3, 2)}, new int[][] {s(2, 1, 2, 3), s(3, 3, 2)},
                                new int[][] {s(2, 2, 3), s(3)}, new int[][] {s(1, 1), s(1, 1)},
                                new int[][] {s(0, 3), s(3, 2)}, new int[][] {s(2, 0), s(0, 3)})
                        .ref(a -> Ref.matmul(a[0], a[1])),
                op("dot", "", a -> a[0].dot(a[1])).args(REAL, REAL)
                        .cases(new int[][] {s(3), s(3)}, new int[][] {s(1), s(1)}, new int[][] {s(0), s(0)})
                        .ref(a -> Ref.matmul(a[0], a[1])),
                op("outer", "", a -> a[0].outer(a[1])).args(REAL, REAL)
                        .cases(new int[][] {s(3), s(2)}, new int[][] {s(1), s(1)}, new int[][] {s(0), s(2)})
                        .ref(a -> Ref.matmul(Ref.reshape(a[0], a[0].numel(), 1), Ref.reshape(a[1], 1, a[1].numel()))),

                op("softmax", "axis -1", a -> a[0].softmax(-1)).shapes(s(2, 3), s(4), s(3, 1, 2), s(1), s(0, 3))
                        .ref(a -> Ref.alongAxis(a[0], -1, Ref::softmax)),
                op("softmax", "axis 0", a -> a[0].softmax(0)).shapes(s(2, 3), s(1, 3))
                        .ref(a -> Ref.alongAxis(a[0], 0, Ref::softmax)),
                op("logSoftmax", "axis -1", a -> a[0].logSoftmax(-1)).shapes(s(2, 3), s(4), s(1), s(0, 3))
                        .ref(a -> Ref.alongAxis(a[0], -1, Ref::logSoftmax)),
                op("logSoftmax", "axis 1", a -> a[0].logSoftmax(1)).shapes(s(3, 1, 2), s(2, 3))
                        .ref(a -> Ref.alongAxis(a[0], 1, Ref::logSoftmax)),

                op("crossEntropy", "mean", a -> a[0].crossEntropy(labels(a[0].shape()))).shapes(s(3, 4), s(4), s(1, 3))
                        .ref(a -> crossEntropyRef(a[0], Reduction.MEAN)),
                op("crossEntropy", "none", a -> a[0].crossEntropy(labels(a[0].shape()), Reduction.NONE)).shapes(s(3, 4), s(2, 1))
                        .ref(a -> crossEntropyRef(a[0], Reduction.NONE)),
                op("crossEntropy", "sum", a -> a[0].crossEntropy(labels(a[0].shape()), Reduction.SUM)).shapes(s(3, 4), s(4))
                        .ref(a -> crossEntropyRef(a[0], Reduction.SUM)),

                op("mse", "mean", a -> a[0].mse(a[1])).args(REAL, REAL)
                        .cases(new int[][] {s(2, 3), s(2, 3)}, new int[][] {s(2, 3), s(3)}, new int[][] {s(), s()},
                                new int[][] {s(1), s(1)})
                        .ref(a -> reduced(Ref.zip(a[0], a[1], (x, t) -> (x - t) * (x - t)), Reduction.MEAN)),
                op("mse", "none", a -> a[0].mse(a[1], Reduction.NONE)).args(REAL, REAL)
                        .cases(new int[][] {s(2, 3), s(2, 3)}, new int[][] {s(3), s(2, 3)}, new int[][] {s(0, 3), s(3)})
                        .ref(a -> Ref.zip(a[0], a[1], (x, t) -> (x - t) * (x - t))),
                op("mse", "sum", a -> a[0].mse(a[1], Reduction.SUM)).args(REAL, REAL)
                        .cases(new int[][] {s(2, 3), s(2, 3)}, new int[][] {s(4), s(1)})
                        .ref(a -> reduced(Ref.zip(a[0], a[1], (x, t) -> (x - t) * (x - t)), Reduction.SUM)),

                op("binaryCrossEntropyWithLogits", "mean", a -> a[0].binaryCrossEntropyWithLogits(a[1]))
                        .args(REAL, PROBABILITY)
                        .cases(new int[][] {s(2, 3), s(2, 3)}, new int[][] {s(3), s(3)}, new int[][] {s(), s()})
                        .ref(a -> reduced(Ref.zip(a[0], a[1], LinalgLossRows::bce), Reduction.MEAN)),
                op("binaryCrossEntropyWithLogits", "none", a -> a[0].binaryCrossEntropyWithLogits(a[1], Reduction.NONE))
                        .args(REAL, PROBABILITY)
                        .cases(new int[][] {s(2, 3), s(2, 3)}, new int[][] {s(1), s(1)}, new int[][] {s(0), s(0)})
                        .ref(a -> Ref.zip(a[0], a[1], LinalgLossRows::bce)),
                op("binaryCrossEntropyWithLogits", "sum", a -> a[0].binaryCrossEntropyWithLogits(a[1], Reduction.SUM))
                        .args(REAL, PROBABILITY)
                        .cases(new int[][] {s(2, 3), s(2, 3)}, new int[][] {s(4), s(4)})
                        .ref(a -> reduced(Ref.zip(a[0], a[1], LinalgLossRows::bce), Reduction.SUM)));
    }

    /** One label per row of [N, C] logits (one for [C]), spread over the classes: (2i + 1) mod C. */
    static int[] labels(int[] shape) {
        int rows = shape.length == 1 ? 1 : shape[0];
        int classes = shape[shape.length - 1];
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = (2 * i + 1) % classes;
        }
        return out;
    }

    private static Arr crossEntropyRef(Arr logits, Reduction reduction) {
        int[] labels = labels(logits.shape());
        int classes = logits.shape()[logits.ndim() - 1];
        double[] losses = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            double[] lane = java.util.Arrays.copyOfRange(logits.data(), i * classes, (i + 1) * classes);
            losses[i] = -Ref.logSoftmax(lane)[labels[i]];
        }
        int[] shape = logits.ndim() == 1 ? s() : s(labels.length);
        return reduced(new Arr(shape, losses), reduction);
    }

    private static Arr reduced(Arr perElement, Reduction reduction) {
        return switch (reduction) {
            case NONE -> perElement;
            case SUM -> Ref.reduce(perElement, null, false, Ref::sum);
            case MEAN -> Ref.reduce(perElement, null, false, v -> Ref.sum(v) / v.length);
        };
    }

    /** Binary cross-entropy of logit x against target t: −t·log σ(x) − (1 − t)·log(1 − σ(x)). */
    private static double bce(double x, double t) {
        double p = 1 / (1 + Math.exp(-x));
        return -t * Math.log(p) - (1 - t) * Math.log(1 - p);
    }
}
