package dev.jgrad.optable;

import dev.jgrad.Tensor;

import java.util.List;
import java.util.function.BinaryOperator;

import static dev.jgrad.optable.Dims.s;
import static dev.jgrad.optable.Domain.DISTINCT;
import static dev.jgrad.optable.Domain.MASK;
import static dev.jgrad.optable.Domain.REAL;
import static dev.jgrad.optable.OpSpec.op;

/**
 * Rows for public ops without a derivative (comparison masks, argmax/argmin): only their values
 * are checked, and that they start no graph and carry no tangent. MASK inputs make ties common,
 * so ge/le/eq meet equality.
 */
final class NonDifferentiableRows {
    private NonDifferentiableRows() {
    }

    static List<OpSpec> rows() {
        return List.of(
                compare("gt", Tensor::gt, (a, b) -> a > b),
                compare("ge", Tensor::ge, (a, b) -> a >= b),
                compare("lt", Tensor::lt, (a, b) -> a < b),
                compare("le", Tensor::le, (a, b) -> a <= b),
                compare("eq", Tensor::eq, (a, b) -> a == b),
                op("gt", "scalar 0.3", a -> a[0].gt(0.3)).args(REAL).shapes(s(2, 3), s(), s(0))
                        .ref(a -> Ref.map(a[0], v -> v > 0.3 ? 1 : 0)),
                op("ge", "scalar 1", a -> a[0].ge(1.0)).args(MASK).shapes(s(2, 3), s())
                        .ref(a -> Ref.map(a[0], v -> v >= 1 ? 1 : 0)),
                op("lt", "scalar 0", a -> a[0].lt(0.0)).args(REAL).shapes(s(2, 3), s(1))
                        .ref(a -> Ref.map(a[0], v -> v < 0 ? 1 : 0)),
                op("le", "scalar 0", a -> a[0].le(0.0)).args(MASK).shapes(s(2, 3))
                        .ref(a -> Ref.map(a[0], v -> v <= 0 ? 1 : 0)),
                op("eq", "scalar 1", a -> a[0].eq(1.0)).args(MASK).shapes(s(2, 3), s())
                        .ref(a -> Ref.map(a[0], v -> v == 1 ? 1 : 0)),
                // Ties: the first index wins (MASK inputs tie often).
                op("argmax", "all", a -> a[0].argmax()).args(MASK).shapes(s(2, 3), s(), s(1), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], null, false, v -> Ref.argExtremum(v, true))),
                op("argmax", "axis 1", a -> a[0].argmax(1, false)).args(DISTINCT).shapes(s(2, 3), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], new int[] {1}, false, v -> Ref.argExtremum(v, true))),
                op("argmax", "axis -1, keepDims, ties", a -> a[0].argmax(-1, true)).args(MASK).shapes(s(2, 3), s(4))
                        .ref(a -> Ref.reduce(a[0], new int[] {-1}, true, v -> Ref.argExtremum(v, true))),
                op("argmin", "all", a -> a[0].argmin()).args(MASK).shapes(s(2, 3), s(), s(3, 1, 2))
                        .ref(a -> Ref.reduce(a[0], null, false, v -> Ref.argExtremum(v, false))),
                op("argmin", "axis 0, keepDims", a -> a[0].argmin(0, true)).args(DISTINCT).shapes(s(2, 3), s(4))
                        .ref(a -> Ref.reduce(a[0], new int[] {0}, true, v -> Ref.argExtremum(v, false))));
    }

    private interface DoubleRelation {
        boolean test(double a, double b);
    }

    private static OpSpec compare(String name, BinaryOperator<Tensor> f, DoubleRelation rel) {
        return op(name, "", a -> f.apply(a[0], a[1])).args(MASK, MASK)
                .cases(ElementwiseRows.BINARY_SHAPES)
                .ref(a -> Ref.zip(a[0], a[1], (u, v) -> rel.test(u, v) ? 1 : 0));
    }
}
