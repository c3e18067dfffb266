package dev.jgrad.optable;

import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;
import org.junit.jupiter.api.Test;

import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Named kinks are conventions: tested exactly, and identically in reverse mode (gradient of the
 * sum) and forward mode (tangent along ones, which for element-wise ops is the same diagonal).
 */
class KinkConventionsTest {

    /** d/dx of f(x).sum() by reverse mode. */
    private static double[] reverse(double[] x, UnaryOperator<Tensor> f) {
        Tensor leaf = Tensor.of(x).requiresGrad(true);
        f.apply(leaf).sum().backward();
        return leaf.grad().toDoubleArray();
    }

    /** The tangent of f(x) along {@code v} by forward mode. */
    private static double[] forward(double[] x, double[] v, UnaryOperator<Tensor> f) {
        ForwardTag tag = new ForwardTag();
        try {
            Tensor leaf = Tensor.of(x);
            Autograd.seedTangent(leaf, tag, Tensor.of(v));
            return Autograd.tangentOf(f.apply(leaf), tag).toDoubleArray();
        } finally {
            tag.close();
        }
    }

    /** Element-wise op: reverse gradient and forward tangent along ones both equal the expected derivative. */
    private static void assertDerivative(double[] expected, double[] x, UnaryOperator<Tensor> f) {
        assertArrayEquals(expected, reverse(x, f), 0, "reverse mode");
        assertArrayEquals(expected, forward(x, ones(x.length), f), 0, "forward mode");
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1);
        return v;
    }

    @Test
    void reluDerivativeAtZeroIsZero() {
        assertDerivative(new double[] {0, 0, 1}, new double[] {-1, 0, 2}, Tensor::relu);
    }

    @Test
    void absDerivativeAtZeroIsZero() {
        assertDerivative(new double[] {-1, 0, 1}, new double[] {-1, 0, 2}, Tensor::abs);
    }

    @Test
    void leakyReluDerivativeAtZeroIsTheSlope() {
        assertDerivative(new double[] {0.1, 0.1, 1}, new double[] {-1, 0, 2}, x -> x.leakyRelu(0.1));
    }

    @Test
    void sqrtDerivativeAtZeroIsPositiveInfinity() {
        assertDerivative(new double[] {Double.POSITIVE_INFINITY, 0.25}, new double[] {0, 4}, Tensor::sqrt);
    }

    @Test
    void clampPassesTheGradientAtItsBounds() {
        assertDerivative(new double[] {0, 1, 1, 1, 0}, new double[] {-2, -0.5, 0, 0.5, 2}, x -> x.clamp(-0.5, 0.5));
    }

    @Test
    void maximumAndMinimumTiesSplitTheGradientEvenly() {
        assertBinaryTie(Tensor::maximum);
        assertBinaryTie(Tensor::minimum);
    }

    /** At a = b each operand gets half: gradient ½ on both sides, and a tangent on either side moves the result by half. */
    private static void assertBinaryTie(BinaryOperator<Tensor> op) {
        Tensor a = Tensor.of(2.0, -1.0).requiresGrad(true);
        Tensor b = Tensor.of(2.0, -1.0).requiresGrad(true);
        op.apply(a, b).sum().backward();
        assertArrayEquals(new double[] {0.5, 0.5}, a.grad().toDoubleArray(), 0, "reverse, first operand");
        assertArrayEquals(new double[] {0.5, 0.5}, b.grad().toDoubleArray(), 0, "reverse, second operand");
        Tensor other = Tensor.of(2.0, -1.0);
        assertArrayEquals(new double[] {0.5, 0.5}, forward(new double[] {2, -1}, ones(2), x -> op.apply(x, other)), 0,
                "forward, first operand");
        assertArrayEquals(new double[] {0.5, 0.5}, forward(new double[] {2, -1}, ones(2), x -> op.apply(other, x)), 0,
                "forward, second operand");
    }

    @Test
    void maxReductionTiesSplitTheGradientEvenly() {
        double[] x = {1, 3, 3};
        assertArrayEquals(new double[] {0, 0.5, 0.5}, reverse(x, Tensor::max), 0, "reverse, max");
        assertArrayEquals(new double[] {0.5, 0.5, 0}, reverse(new double[] {1, 1, 3}, Tensor::min), 0, "reverse, min");
        // The tangent is the gradient dotted with v: the mean of v over the tied maxima.
        assertArrayEquals(new double[] {(20.0 + 300.0) / 2}, forward(x, new double[] {1, 20, 300}, t -> t.max().reshape(1)), 0,
                "forward, max");
        assertArrayEquals(new double[] {(1.0 + 20.0) / 2}, forward(new double[] {1, 1, 3}, new double[] {1, 20, 300},
                t -> t.min().reshape(1)), 0, "forward, min");
    }

    @Test
    void maxReductionAlongAnAxisSplitsTiesPerLane() {
        Tensor x = Tensor.of(new double[] {5, 5, 1, 0, 2, 2}, 2, 3).requiresGrad(true);
        x.max(1).sum().backward();
        assertArrayEquals(new double[] {0.5, 0.5, 0, 0, 0.5, 0.5}, x.grad().toDoubleArray(), 0);
    }

    @Test
    void normDerivativeAtZeroIsZero() {
        double[] zeros = {0, 0, 0};
        assertArrayEquals(zeros, reverse(zeros, Tensor::norm), 0, "reverse");
        assertArrayEquals(new double[] {0}, forward(zeros, new double[] {1, -2, 3}, t -> t.norm().reshape(1)), 0, "forward");
    }
}
