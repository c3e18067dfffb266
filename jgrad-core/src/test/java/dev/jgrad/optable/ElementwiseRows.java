package dev.jgrad.optable;

import dev.jgrad.DType;
import dev.jgrad.Tensor;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static dev.jgrad.optable.Domain.AWAY_FROM_KINK;
import static dev.jgrad.optable.Domain.GRID_A;
import static dev.jgrad.optable.Domain.GRID_B;
import static dev.jgrad.optable.Domain.GT_MINUS_ONE;
import static dev.jgrad.optable.Domain.MASK;
import static dev.jgrad.optable.Domain.NONZERO;
import static dev.jgrad.optable.Domain.POSITIVE;
import static dev.jgrad.optable.Domain.REAL;
import static dev.jgrad.optable.Domain.UNIT_OPEN;
import static dev.jgrad.optable.OpSpec.op;
import static dev.jgrad.optable.Dims.s;

/** Rows for element-wise unary and binary ops (tensor and scalar forms), clamp, where and dtype/layout. */
final class ElementwiseRows {
    private ElementwiseRows() {
    }

    /** Plain, 0-d, size-1, empty and a rank-3 shape with a size-1 axis. */
    static final int[][] UNARY_SHAPES = {s(2, 3), s(), s(1), s(0, 3), s(3, 1, 2)};

    /** Equal shapes, one-sided and two-sided broadcasting, 0-d against n-d, size-1 and empty. */
    static final int[][][] BINARY_SHAPES = {
        {s(2, 3), s(2, 3)}, {s(2, 3), s(3)}, {s(2, 1), s(1, 3)}, {s(), s(2, 3)}, {s(3, 1, 2), s()},
        {s(1), s(1)}, {s(0, 3), s(3)}};

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    static List<OpSpec> rows() {
        return List.of(
                unary("neg", Tensor::neg, v -> -v, REAL),
                unary("abs", Tensor::abs, Math::abs, AWAY_FROM_KINK),
                unary("sign", Tensor::sign, Math::signum, AWAY_FROM_KINK),
                unary("exp", Tensor::exp, Math::exp, REAL),
                unary("expm1", Tensor::expm1, Math::expm1, REAL),
                unary("log", Tensor::log, Math::log, POSITIVE),
                unary("log1p", Tensor::log1p, Math::log1p, GT_MINUS_ONE),
                unary("sqrt", Tensor::sqrt, Math::sqrt, POSITIVE),
                unary("square", Tensor::square, v -> v * v, REAL),
                unary("reciprocal", Tensor::reciprocal, v -> 1 / v, NONZERO),
                unary("sin", Tensor::sin, Math::sin, REAL),
                unary("cos", Tensor::cos, Math::cos, REAL),
                unary("tan", Tensor::tan, Math::tan, UNIT_OPEN),
                unary("tanh", Tensor::tanh, Math::tanh, REAL),
                unary("sigmoid", Tensor::sigmoid, v -> 1 / (1 + Math.exp(-v)), REAL),
                unary("relu", Tensor::relu, v -> Math.max(v, 0), AWAY_FROM_KINK),
                unaryWith("leakyRelu", "slope 0.1", x -> x.leakyRelu(0.1), v -> v > 0 ? v : 0.1 * v, AWAY_FROM_KINK),
                unaryWith("leakyRelu", "slope -0.3", x -> x.leakyRelu(-0.3), v -> v > 0 ? v : -0.3 * v, AWAY_FROM_KINK),
                unary("softplus", Tensor::softplus, v -> Math.log(1 + Math.exp(v)), REAL),
                unary("silu", Tensor::silu, v -> v / (1 + Math.exp(-v)), REAL),
                unary("swish", Tensor::swish, v -> v / (1 + Math.exp(-v)), REAL),
                unary("gelu", Tensor::gelu, v -> 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))), REAL),

                binary("add", Tensor::add, Double::sum, REAL, REAL),
                binary("sub", Tensor::sub, (a, b) -> a - b, REAL, REAL),
                binary("mul", Tensor::mul, (a, b) -> a * b, REAL, REAL),
                binary("div", Tensor::div, (a, b) -> a / b, REAL, NONZERO),
                binary("pow", Tensor::pow, Math::pow, POSITIVE, REAL),
                binary("maximum", Tensor::maximum, Math::max, GRID_A, GRID_B),
                binary("minimum", Tensor::minimum, Math::min, GRID_A, GRID_B),

                unaryWith("add", "scalar 0.7", x -> x.add(0.7), v -> v + 0.7, REAL),
                unaryWith("sub", "scalar 0.7", x -> x.sub(0.7), v -> v - 0.7, REAL),
                unaryWith("mul", "scalar -1.3", x -> x.mul(-1.3), v -> v * -1.3, REAL),
                unaryWith("div", "scalar 0.4", x -> x.div(0.4), v -> v / 0.4, REAL),
                unaryWith("pow", "scalar 3", x -> x.pow(3.0), v -> Math.pow(v, 3), REAL),
                unaryWith("pow", "scalar 2", x -> x.pow(2.0), v -> v * v, REAL),
                unaryWith("pow", "scalar 0.5", x -> x.pow(0.5), Math::sqrt, POSITIVE),
                unaryWith("pow", "scalar -1.5", x -> x.pow(-1.5), v -> Math.pow(v, -1.5), POSITIVE),
                unaryWith("pow", "scalar 0", x -> x.pow(0.0), v -> 1.0, REAL),
                unaryWith("clamp", "-0.6, 1.5", x -> x.clamp(-0.6, 1.5), v -> Math.min(Math.max(v, -0.6), 1.5), GRID_A),

                op("where", "", a -> Tensor.where(a[0], a[1], a[2]))
                        .args(MASK, REAL, REAL).notDifferentiable(0)
                        .cases(new int[][] {s(2, 3), s(2, 3), s(2, 3)}, new int[][] {s(3), s(2, 3), s()},
                                new int[][] {s(2, 1), s(1, 3), s(2, 1)}, new int[][] {s(), s(), s()},
                                new int[][] {s(0, 3), s(3), s(1)})
                        .ref(a -> Ref.where(a[0], a[1], a[2])),

                // The float32 round trip: FD needs a step far above float32's rounding.
                unaryWith("to", "float32", x -> x.to(DType.FLOAT32), v -> (float) v, REAL).fd(1e-2, 1e-4, 1e-4)
                        .adjointTol(1e-6).changesDtype(),
                unaryWith("contiguous", "of a contiguous tensor", Tensor::contiguous, v -> v, REAL),
                op("contiguous", "of a transposed view", a -> a[0].mT().contiguous())
                        .shapes(s(2, 3), s(3, 1, 2), s(0, 3))
                        .ref(a -> Ref.swapAxes(a[0], -2, -1)));
    }

    static OpSpec unary(String name, UnaryOperator<Tensor> f, DoubleUnaryOperator ref, Domain domain) {
        return unaryWith(name, "", f, ref, domain);
    }

    static OpSpec unaryWith(String name, String variant, UnaryOperator<Tensor> f, DoubleUnaryOperator ref, Domain domain) {
        return op(name, variant, a -> f.apply(a[0])).args(domain).shapes(UNARY_SHAPES)
                .ref(a -> Ref.map(a[0], ref));
    }

    static OpSpec binary(String name, BinaryOperator<Tensor> f, DoubleBinaryOperator ref,
            Domain da, Domain db) {
        return op(name, "", a -> f.apply(a[0], a[1])).args(da, db).cases(BINARY_SHAPES)
                .ref(a -> Ref.zip(a[0], a[1], ref));
    }
}
