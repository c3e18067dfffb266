package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first-order rules of softmax, logSoftmax and logsumexp run as one kernel call on the cotangent as it
 * arrives; they must agree with the rules written as tensor expressions (y·(g − Σ g·y) and
 * g − exp(y)·Σ g, computed here directly) whatever the cotangent's layout: contiguous, the seed of
 * ones (every stride 0), a transposed view, broadcast along one axis only (a sum's rule), on rows
 * and on columns (axis 0 of a 3-d tensor), in both dtypes, size-1 and empty (softmax takes no 0-d input). Softmax's forward rule
 * (the same formula with the tangent) too. float64 within 1e-12, float32 within 1e-5 (relative
 * to the largest |g|).
 */
class SoftmaxRuleTest {
    private static final long SEED = 21;

    @Test
    void reverseRulesMatchTheTensorFormulasForEveryCotangentLayout() {
        for (DType dt : DType.values()) {
            for (boolean log : new boolean[] {false, true}) {
                for (int axis : new int[] {-1, 0, 1}) {
                    Tensor x = Tensor.randn(SEED, 4, 37, 19).mul(3).to(dt).evaluate();
                    // Contiguous cotangent.
                    Tensor seed = Tensor.randn(SEED + 1, 4, 37, 19).to(dt).evaluate();
                    check(dt, log, axis, x, y -> y, seed);
                    // The seed of ones: backward() without a seed.
                    check(dt, log, axis, x, y -> y, null);
                    // Transposed view: the cotangent reaching the rule is a permuted view.
                    check(dt, log, axis, x, y -> y.transpose(0, 2), Tensor.randn(SEED + 2, 19, 37, 4).to(dt).evaluate());
                    // Broadcast along axis 0 only: the sum's rule expands its cotangent.
                    check(dt, log, axis, x, y -> y.sum(0), Tensor.randn(SEED + 3, 37, 19).to(dt).evaluate());
                }
            }
        }
    }

    @Test
    void logsumexpReverseRuleMatchesTheTensorFormula() {
        // g·exp(x − logsumexp(x)) from one scaled-softmax kernel call, over one axis, a run of axes,
        // scattered axes and all, kept or squeezed, with a given gradient and with the seed of ones.
        int[][] axesSets = {{1}, {0}, {1, 2}, {0, 2}, {0, 1, 2}};
        for (DType dt : DType.values()) {
            for (int[] axes : axesSets) {
                for (boolean keep : new boolean[] {false, true}) {
                    for (boolean seeded : new boolean[] {false, true}) {
                        Tensor x = Tensor.randn(SEED + 6, 5, 33, 18).mul(4).to(dt).evaluate().requiresGrad(true);
                        Tensor y = x.logsumexp(axes, keep);
                        Tensor g = seeded ? Tensor.randn(SEED + 7, y.shape()).to(dt).evaluate() : Tensor.onesLike(y);
                        y.backward(g);
                        Tensor want;
                        try (GradScope s = Tensor.noGrad()) {
                            Tensor yk = x.logsumexp(axes, true);
                            want = g.reshape(yk.shape()).mul(x.detach().sub(yk).exp());
                        }
                        close(dt, "logsumexp " + java.util.Arrays.toString(axes) + " keepDims " + keep
                                + (seeded ? " given" : " ones"), want, x.grad(), g);
                    }
                }
            }
        }
    }

    @Test
    void sizeOneAndEmptyInputs() {
        for (boolean log : new boolean[] {false, true}) {
            check(DType.FLOAT64, log, 0, Tensor.ones(1), y -> y, Tensor.scalar(2.0).reshape(1));
            check(DType.FLOAT64, log, 1, Tensor.zeros(3, 0), y -> y, Tensor.zeros(3, 0));
            check(DType.FLOAT32, log, 0, Tensor.zeros(0, 5).to(DType.FLOAT32), y -> y, null);
        }
    }

    @Test
    void softmaxForwardRuleMatchesTheTensorFormula() {
        for (DType dt : DType.values()) {
            for (int axis : new int[] {0, 2}) {
                Tensor x = Tensor.randn(SEED + 4, 3, 33, 20).to(dt).evaluate();
                Tensor t = Tensor.randn(SEED + 5, 3, 33, 20).to(dt).evaluate();
                Functional.JvpResult r = Functional.jvp(v -> v.softmax(axis), x, t);
                Tensor y = x.softmax(axis);
                Tensor want = y.mul(t.sub(t.mul(y).sum(new int[] {axis}, true)));
                close(dt, "softmax jvp axis " + axis, want, r.tangent(), t);
            }
        }
    }

    private static void check(DType dt, boolean log, int axis, Tensor x0, Function<Tensor, Tensor> after, Tensor seed) {
        Tensor x = x0.detach().requiresGrad(true);
        Tensor y = log ? x.logSoftmax(axis) : x.softmax(axis);
        Tensor z = after.apply(y);
        if (seed == null) {
            z.backward();
        } else {
            z.backward(seed);
        }
        Tensor got = x.grad();
        // The cotangent of y, made explicit, and the rule as a tensor formula.
        Tensor g;
        try (GradScope s = Tensor.noGrad()) {
            Tensor yv = y.detach().requiresGrad(true);
            GradScope on = Tensor.enableGrad();
            Tensor zv = after.apply(yv);
            on.close();
            zv.backward(seed == null ? Tensor.onesLike(zv) : seed);
            g = yv.grad();
        }
        Tensor yd = y.detach();
        int d = Math.floorMod(axis, yd.shape().length);
        int[] ax = {d};
        Tensor want = log ? g.sub(yd.exp().mul(g.sum(ax, true))) : yd.mul(g.sub(g.mul(yd).sum(ax, true)));
        close(dt, (log ? "logSoftmax" : "softmax") + " axis " + axis + " seed " + (seed == null ? "ones" : "given"), want, got, g);
    }

    private static void close(DType dt, String what, Tensor want, Tensor got, Tensor g) {
        assertArrayEquals(want.shape(), got.shape(), what);
        double[] w = want.to(DType.FLOAT64).toDoubleArray();
        double[] a = got.to(DType.FLOAT64).toDoubleArray();
        double scale = 1;
        for (double v : g.to(DType.FLOAT64).toDoubleArray()) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tol = (dt == DType.FLOAT32 ? 1e-5 : 1e-12) * scale;
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(w[i] - a[i]) <= tol, what + " " + dt + " at " + i + ": want " + w[i] + ", got " + a[i]);
        }
    }
}
