package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused reverse rules of tanh, sigmoid, relu, softplus, SiLU and GELU (one kernel pass, used
 * when no graph is created) give bit for bit what the unfused tensor rules give (used under
 * createGraph; the σ-based ones recompute σ with the σ kernel's own vector form), on
 * awkward inputs and cotangents, in both dtypes. NaN counts as equal to NaN (payloads are not
 * compared); signed zeros must match.
 */
class FusedBackwardTest {
    private static final double[] X = {0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 17.0, -17.0,
        20.0, -20.0, 710.0, -745.0, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0.3333333333333333, 0.8813735870195430};
    private static final double[] G = {1.0, -1.0, 0.0, -0.0, 2.5, 1e308, -1e-310, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NaN, 0.1, 3.0};

    @Test
    void tanhFusedEqualsUnfused() {
        check(Tensor::tanh);
    }

    @Test
    void sigmoidFusedEqualsUnfused() {
        check(Tensor::sigmoid);
    }

    @Test
    void reluFusedEqualsUnfused() {
        check(Tensor::relu);
    }

    @Test
    void softplusFusedEqualsUnfused() {
        check(Tensor::softplus);
    }

    @Test
    void siluFusedEqualsUnfused() {
        check(Tensor::silu);
    }

    @Test
    void geluFusedEqualsUnfused() {
        check(Tensor::gelu);
    }

    private static void check(UnaryOperator<Tensor> f) {
        int n = X.length * G.length;
        double[] xs = new double[n];
        double[] gs = new double[n];
        // x varies fastest, so the last elements (a kernel's tail) hold many different x.
        for (int j = 0; j < G.length; j++) {
            for (int i = 0; i < X.length; i++) {
                xs[j * X.length + i] = X[i];
                gs[j * X.length + i] = G[j];
            }
        }
        // The whole grid, and one a few elements short of a whole number of vectors (kernel tails
        // of 11 and 3 elements for 16- and 8-lane vectors).
        for (int len : new int[] {n, n - 5}) {
            double[] xl = Arrays.copyOf(xs, len);
            double[] gl = Arrays.copyOf(gs, len);
            for (DType dtype : DType.values()) {
                Tensor seed = Tensor.of(gl, len).to(dtype);
                double[] fused = gradient(f, Tensor.of(xl, len).to(dtype), seed, false);
                double[] unfused = gradient(f, Tensor.of(xl, len).to(dtype), seed, true);
                for (int k = 0; k < len; k++) {
                    assertEquals(0, Double.compare(unfused[k], fused[k]), dtype + " (" + len + " elements) x=" + xl[k]
                            + " g=" + gl[k] + ": unfused " + unfused[k] + ", fused " + fused[k]);
                }
            }
        }
    }

    /** The gradient of {@code <seed, f(x)>}, through the fused rule or (createGraph) the tensor rule. */
    private static double[] gradient(UnaryOperator<Tensor> f, Tensor x0, Tensor seed, boolean createGraph) {
        Tensor x = x0.detach().requiresGrad(true);
        Tensor y = f.apply(x);
        // A seed that requires a gradient makes the unfused rule's result visibly recorded.
        y.backward(createGraph ? seed.detach().requiresGrad(true) : seed, false, createGraph);
        Tensor g = x.grad();
        assertEquals(createGraph, g.requiresGrad(), "createGraph records the rule, the fused path does not");
        return g.toDoubleArray();
    }

    @Test
    void secondOrderStillWorksThroughTheTensorRule() {
        Tensor x = Tensor.of(new double[] {-1.5, 0.2, 0.9}, 3).requiresGrad(true);
        x.tanh().sum().backward(null, false, true);
        Tensor g = x.grad();
        x.zeroGrad();
        g.sum().backward();
        double[] xs = {-1.5, 0.2, 0.9};
        for (int i = 0; i < 3; i++) {
            double t = Math.tanh(xs[i]);
            assertEquals(-2 * t * (1 - t * t), x.grad().toDoubleArray()[i], 1e-12);
        }
    }

    @Test
    void forwardOverReverseStillWorks() {
        // hvp runs the reverse rule with tangents riding on it: the fused kernel must step aside.
        Tensor x = Tensor.of(new double[] {-0.7, 0.1, 1.3}, 3);
        Tensor v = Tensor.of(new double[] {1.0, -2.0, 0.5}, 3);
        Tensor hv = Functional.hvp(t -> t.sigmoid().sum(), x, v);
        double[] xs = x.toDoubleArray();
        double[] vs = v.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double s = 1 / (1 + Math.exp(-xs[i]));
            double second = s * (1 - s) * (1 - 2 * s);
            assertTrue(Math.abs(second * vs[i] - hv.toDoubleArray()[i]) < 1e-10, "hvp entry " + i);
        }
    }
}
