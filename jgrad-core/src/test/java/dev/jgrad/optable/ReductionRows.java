package dev.jgrad.optable;

import java.util.List;

import static dev.jgrad.optable.Dims.s;
import static dev.jgrad.optable.Domain.AWAY_FROM_KINK;
import static dev.jgrad.optable.Domain.DISTINCT;
import static dev.jgrad.optable.Domain.REAL;
import static dev.jgrad.optable.OpSpec.op;

/**
 * Rows for reductions: over all axes, one axis (with and without keepDims, negative axes) and
 * several axes. Max/min draw DISTINCT values so no tie sits within a finite-difference step.
 */
final class ReductionRows {
    private ReductionRows() {
    }

    private static final int[] NONE = null;

    static List<OpSpec> rows() {
        return List.of(
                op("sum", "all", a -> a[0].sum()).shapes(ElementwiseRows.UNARY_SHAPES)
                        .ref(a -> Ref.reduce(a[0], NONE, false, Ref::sum)),
                op("sum", "axis 1", a -> a[0].sum(1)).shapes(s(2, 3), s(3, 1, 2), s(0, 3), s(2, 0))
                        .ref(a -> Ref.reduce(a[0], new int[] {1}, false, Ref::sum)),
                op("sum", "axis -1, keepDims", a -> a[0].sum(-1, true)).shapes(s(2, 3), s(4), s(3, 1, 2), s(1))
                        .ref(a -> Ref.reduce(a[0], new int[] {-1}, true, Ref::sum)),
                op("sum", "axes 0, -1", a -> a[0].sum(new int[] {0, -1}, false)).shapes(s(2, 3), s(3, 1, 2), s(2, 0))
                        .ref(a -> Ref.reduce(a[0], new int[] {0, -1}, false, Ref::sum)),

                // Mean over an empty set is NaN by definition, so no row reduces an empty axis.
                op("mean", "all", a -> a[0].mean()).shapes(s(2, 3), s(), s(1), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], NONE, false, v -> Ref.sum(v) / v.length)),
                op("mean", "axis 1", a -> a[0].mean(1)).shapes(s(2, 3), s(3, 1, 2), s(0, 3))
                        .ref(a -> Ref.reduce(a[0], new int[] {1}, false, v -> Ref.sum(v) / v.length)),
                op("mean", "axis 0, keepDims", a -> a[0].mean(0, true)).shapes(s(2, 3), s(4), s(1))
                        .ref(a -> Ref.reduce(a[0], new int[] {0}, true, v -> Ref.sum(v) / v.length)),
                op("mean", "axes 0, -1, keepDims", a -> a[0].mean(new int[] {0, -1}, true)).shapes(s(2, 3), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], new int[] {0, -1}, true, v -> Ref.sum(v) / v.length)),

                // max/min refuse empty tensors; tie conventions live in KinkConventionsTest.
                op("max", "all", a -> a[0].max()).args(DISTINCT).shapes(s(2, 3), s(), s(1), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], NONE, false, Ref::max)),
                op("max", "axis 1", a -> a[0].max(1)).args(DISTINCT).shapes(s(2, 3), s(3, 1, 2), s(2, 4))
                        .ref(a -> Ref.reduce(a[0], new int[] {1}, false, Ref::max)),
                op("max", "axis -1, keepDims", a -> a[0].max(-1, true)).args(DISTINCT).shapes(s(2, 3), s(4), s(1))
                        .ref(a -> Ref.reduce(a[0], new int[] {-1}, true, Ref::max)),
                op("max", "axes 0, -1", a -> a[0].max(new int[] {0, -1}, false)).args(DISTINCT).shapes(s(2, 3), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], new int[] {0, -1}, false, Ref::max)),
                op("min", "all", a -> a[0].min()).args(DISTINCT).shapes(s(2, 3), s(), s(1), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], NONE, false, Ref::min)),
                op("min", "axis 0", a -> a[0].min(0)).args(DISTINCT).shapes(s(2, 3), s(4), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], new int[] {0}, false, Ref::min)),
                op("min", "axis -1, keepDims", a -> a[0].min(-1, true)).args(DISTINCT).shapes(s(2, 3), s(1))
                        .ref(a -> Ref.reduce(a[0], new int[] {-1}, true, Ref::min)),
                op("min", "axes 0, 2, keepDims", a -> a[0].min(new int[] {0, 2}, true)).args(DISTINCT).shapes(s(3, 1, 2), s(2, 2, 2))
                        .ref(a -> Ref.reduce(a[0], new int[] {0, 2}, true, Ref::min)),

                op("logsumexp", "all", a -> a[0].logsumexp()).shapes(s(2, 3), s(), s(1), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], NONE, false, Ref::logsumexp)),
                op("logsumexp", "axis 1", a -> a[0].logsumexp(1)).shapes(s(2, 3), s(3, 1, 2), s(0, 3))
                        .ref(a -> Ref.reduce(a[0], new int[] {1}, false, Ref::logsumexp)),
                op("logsumexp", "axes 0, -1, keepDims", a -> a[0].logsumexp(new int[] {0, -1}, true)).shapes(s(2, 3), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], new int[] {0, -1}, true, Ref::logsumexp)),

                // var/std with correction 1 need at least two elements per group.
                op("var", "all", a -> a[0].var()).shapes(s(2, 3), s(4), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], NONE, false, v -> Ref.var(v, 1))),
                op("var", "axis 1, keepDims, correction 0", a -> a[0].var(new int[] {1}, true, 0)).shapes(s(2, 3), s(3, 1, 2), s(0, 3))
                        .ref(a -> Ref.reduce(a[0], new int[] {1}, true, v -> Ref.var(v, 0))),
                op("var", "axes 0, -1, correction 1", a -> a[0].var(new int[] {0, -1}, false, 1)).shapes(s(2, 3), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], new int[] {0, -1}, false, v -> Ref.var(v, 1))),
                op("std", "all", a -> a[0].std()).shapes(s(2, 3), s(4), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], NONE, false, v -> Math.sqrt(Ref.var(v, 1)))),
                op("std", "axis 1, keepDims, correction 0", a -> a[0].std(new int[] {1}, true, 0)).shapes(s(2, 3), s(2, 4))
                        .ref(a -> Ref.reduce(a[0], new int[] {1}, true, v -> Math.sqrt(Ref.var(v, 0)))),
                op("std", "axes 0, -1, correction 1", a -> a[0].std(new int[] {0, -1}, false, 1)).shapes(s(2, 3), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], new int[] {0, -1}, false, v -> Math.sqrt(Ref.var(v, 1)))),

                // Small single elements make |x| kink: norm'(0) = 0 is tested in KinkConventionsTest.
                op("norm", "all", a -> a[0].norm()).args(AWAY_FROM_KINK).shapes(s(2, 3), s(), s(1), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], NONE, false, Ref::norm)),
                op("norm", "axis 1, keepDims", a -> a[0].norm(new int[] {1}, true)).args(AWAY_FROM_KINK).shapes(s(2, 3), s(3, 1, 2), s(0, 3))
                        .ref(a -> Ref.reduce(a[0], new int[] {1}, true, Ref::norm)),
                op("norm", "axes 0, -1", a -> a[0].norm(new int[] {0, -1}, false)).args(AWAY_FROM_KINK).shapes(s(2, 3), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], new int[] {0, -1}, false, Ref::norm)));
    }
}
