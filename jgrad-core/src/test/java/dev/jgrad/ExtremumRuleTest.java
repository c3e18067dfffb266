package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * max's and min's first-order rule runs as one kernel call on raw values; its gradient must be the
 * tensor rule's to the bit: g·(1/count) where x equals its slice's extreme (ties share evenly),
 * g·0 elsewhere, and NaN over a slice whose extreme is NaN. Inputs with many ties (values rounded
 * to halves) and a NaN (unless every axis is reduced), reduced over one axis (rows, columns narrower and wider than a column
 * block), a run of axes, all axes, and scattered axes (the tensor rule), kept or squeezed, with a
 * given cotangent, the seed of ones and a transposed one; both dtypes; size-1 and 0-d inputs.
 */
class ExtremumRuleTest {
    @Test
    void gradientIsTheTensorRulesToTheBit() {
        int[][] axesSets = {{2}, {1}, {0}, {1, 2}, {0, 1}, {0, 1, 2}, {0, 2}};
        int[][] shapes = {{4, 37, 19}, {3, 5, 300}, {1, 1, 1}};
        for (DType dt : DType.values()) {
            for (int[] shape : shapes) {
                for (int[] axes : axesSets) {
                    for (boolean keep : new boolean[] {false, true}) {
                        for (int seedKind = 0; seedKind < 3; seedKind++) {
                            for (boolean max : new boolean[] {true, false}) {
                                check(dt, shape, axes, keep, seedKind, max);
                            }
                        }
                    }
                }
            }
            // 0-d: the element itself gets g.
            Tensor s = Tensor.scalar(2.5).to(dt).requiresGrad(true);
            s.max().backward(Tensor.scalar(-3).to(dt));
            assertArrayEquals(new double[] {-3}, s.grad().toDoubleArray(), 0, dt + " 0-d");
        }
    }

    private static void check(DType dt, int[] shape, int[] axes, boolean keep, int seedKind, boolean max) {
        double[] v = Tensor.randn(11L, shape).mul(2).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.rint(v[i] * 2) / 2;
        }
        if (v.length > 40 && axes.length < shape.length) {
            v[40] = Double.NaN;
        }
        Tensor x = Tensor.of(v, shape).to(dt).evaluate().requiresGrad(true);
        Tensor y = max ? x.max(axes, keep) : x.min(axes, keep);
        Tensor g = switch (seedKind) {
            case 0 -> Tensor.randn(12L, y.shape()).to(dt).evaluate();
            case 1 -> null;
            default -> y.ndim() >= 2 ? Tensor.randn(13L, reversed(y.shape())).to(dt).evaluate().transpose(0, y.ndim() - 1)
                    : Tensor.randn(13L, y.shape()).to(dt).evaluate();
        };
        if (g == null) {
            y.backward();
        } else {
            y.backward(g);
        }
        Tensor want;
        try (GradScope s = Tensor.noGrad()) {
            Tensor yk = max ? x.max(axes, true) : x.min(axes, true);
            Tensor hits = x.detach().eq(yk);
            Tensor share = hits.div(hits.sum(axes, true));
            Tensor gk = (g == null ? Tensor.onesLike(y) : g).reshape(yk.shape());
            want = gk.broadcastTo(shape).mul(share);
        }
        String what = dt + " " + (max ? "max" : "min") + " " + Arrays.toString(shape) + " over " + Arrays.toString(axes)
                + " keepDims " + keep + " seed " + seedKind;
        double[] got = x.grad().toDoubleArray();
        assertArrayEquals(want.toDoubleArray(), got, 0, what);
        assertTrue(got.length == 1 || Arrays.stream(got).anyMatch(d -> d != 0 && !Double.isNaN(d)), what + ": all zero or NaN");
    }

    private static int[] reversed(int[] s) {
        int[] r = s.clone();
        int t = r[0];
        r[0] = r[r.length - 1];
        r[r.length - 1] = t;
        return r;
    }
}
