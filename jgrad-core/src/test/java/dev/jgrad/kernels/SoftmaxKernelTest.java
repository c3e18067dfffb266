package dev.jgrad.kernels;

import dev.jgrad.kernels.simd.SimdKernels;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The SIMD softmax kernel ({@link Kernels#softmax}: log-sum-exp, softmax, log-softmax; softmax scaled
 * per slice, {@link Kernels#softmaxScaled}) against the
 * scalar definition, both dtypes, on slices whose lengths and widths leave vector tails, rows and
 * column blocks (64 doubles on AVX-512) cut short, an offset into the storage, and slices holding
 * ±∞, NaN, only −∞, and spreads beyond exp's polynomial range (e^−800 next to 1). float64 within a
 * relative 1e-13 (the sums are added in another order; logs near 0 against 1); float32 (rows in
 * float lanes) within 3 ulp; NaN and ±∞ exactly.
 */
class SoftmaxKernelTest {
    private static Kernels simd;
    private static final Kernels SCALAR = new ScalarKernels();

    @BeforeAll
    static void simdKernels() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "vector module not loaded");
        simd = new SimdKernels();
    }

    private static final int[][] SHAPES = {
        {1, 1, 1}, {3, 7, 1}, {2, 8, 1}, {4, 37, 1}, {2, 1000, 1}, {3, 0, 1}, {2, 5, 3}, {2, 9, 17},
        {3, 20, 64}, {2, 11, 70}, {1, 40, 130}, {2, 0, 9}, {1, 3, 1000}, {700, 33, 1},
    };

    @Test
    void simdMatchesTheScalarDefinition() {
        Random rnd = new Random(11);
        for (int[] sh : SHAPES) {
            int outer = sh[0], len = sh[1], inner = sh[2];
            int n = outer * len * inner;
            int off = 3;
            double[] x = new double[off + n];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextGaussian() * 5;
            }
            // Specials in some slices (with inner > 1 they land in different columns).
            if (n > 20) {
                x[off + 1] = Double.POSITIVE_INFINITY;
                x[off + n / 2] = Double.NaN;
                x[off + n - 2] = -800;
                x[off + n - 1] = Double.NEGATIVE_INFINITY;
                x[off + n / 3] = -1e300;
            }
            if (outer > 1 && inner == 1) {
                for (int k = 0; k < len; k++) {
                    x[off + len + k] = Double.NEGATIVE_INFINITY;
                }
            }
            for (Kernels.Softmax mode : Kernels.Softmax.values()) {
                for (boolean f32 : new boolean[] {false, true}) {
                    int outLen = mode == Kernels.Softmax.LOG_SUM_EXP ? outer * inner : n;
                    Storage xs = f32 ? new Storage.F32(toFloats(x)) : new Storage.F64(x.clone());
                    Storage want = f32 ? new Storage.F32(new float[outLen]) : new Storage.F64(new double[outLen]);
                    Storage got = f32 ? new Storage.F32(new float[outLen]) : new Storage.F64(new double[outLen]);
                    SCALAR.softmax(mode, xs, off, want, outer, len, inner);
                    simd.softmax(mode, xs, off, got, outer, len, inner);
                    for (int i = 0; i < outLen; i++) {
                        String where = mode + (f32 ? " float32 " : " float64 ") + java.util.Arrays.toString(sh) + " at " + i;
                        compare(where, want.get(i), got.get(i), f32, mode != Kernels.Softmax.SOFTMAX);
                    }
                    if (mode == Kernels.Softmax.SOFTMAX) {
                        // Scaled per slice (logsumexp's reverse rule): weights of both signs, 0 and −0.
                        double[] w = new double[outer * inner];
                        for (int q = 0; q < w.length; q++) {
                            w[q] = q % 5 == 3 ? (q % 2 == 0 ? 0.0 : -0.0) : rnd.nextGaussian() * 3;
                        }
                        SCALAR.softmaxScaled(xs, off, w, want, outer, len, inner);
                        simd.softmaxScaled(xs, off, w, got, outer, len, inner);
                        for (int i = 0; i < outLen; i++) {
                            String where = "scaled" + (f32 ? " float32 " : " float64 ") + java.util.Arrays.toString(sh) + " at " + i;
                            compare(where, want.get(i), got.get(i), f32, false);
                        }
                    }
                }
            }
        }
    }

    @Test
    void softmaxSumsToOneAndMatchesExpOfLogSoftmax() {
        int outer = 3, len = 301, inner = 5;
        double[] x = new double[outer * len * inner];
        Random rnd = new Random(12);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian() * 30;
        }
        Storage sm = new Storage.F64(new double[x.length]);
        Storage lsm = new Storage.F64(new double[x.length]);
        simd.softmax(Kernels.Softmax.SOFTMAX, new Storage.F64(x), 0, sm, outer, len, inner);
        simd.softmax(Kernels.Softmax.LOG_SOFTMAX, new Storage.F64(x), 0, lsm, outer, len, inner);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                double total = 0;
                for (int k = 0; k < len; k++) {
                    int i = (o * len + k) * inner + j;
                    total += sm.get(i);
                    assertEquals(Math.exp(lsm.get(i)), sm.get(i), 1e-14 + 1e-12 * sm.get(i));
                }
                assertEquals(1.0, total, 1e-13);
            }
        }
    }

    /**
     * The row maximum is the shift that keeps exp in range: one element far above the rest (150 in
     * float32, 1000 in float64, whose exp overflows unshifted) at every position of a row long
     * enough for several four-vector blocks of the maximum's running maxima and a tail, each
     * position in its own row.
     */
    @Test
    void aLargeElementAnywhereInTheRowSetsTheShift() {
        int len = 150;
        Random rnd = new Random(13);
        for (boolean f32 : new boolean[] {false, true}) {
            double[] x = new double[len * len];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextGaussian();
            }
            for (int r = 0; r < len; r++) {
                x[r * len + r] = f32 ? 150 : 1000;
            }
            for (Kernels.Softmax mode : Kernels.Softmax.values()) {
                int outLen = mode == Kernels.Softmax.LOG_SUM_EXP ? len : x.length;
                Storage xs = f32 ? new Storage.F32(toFloats(x)) : new Storage.F64(x.clone());
                Storage want = f32 ? new Storage.F32(new float[outLen]) : new Storage.F64(new double[outLen]);
                Storage got = f32 ? new Storage.F32(new float[outLen]) : new Storage.F64(new double[outLen]);
                SCALAR.softmax(mode, xs, 0, want, len, len, 1);
                simd.softmax(mode, xs, 0, got, len, len, 1);
                for (int i = 0; i < outLen; i++) {
                    assertTrue(Double.isFinite(got.get(i)), mode + (f32 ? " float32" : " float64") + " at " + i + ": " + got.get(i));
                    compare(mode + (f32 ? " float32" : " float64") + " large element, at " + i, want.get(i), got.get(i), f32,
                            mode != Kernels.Softmax.SOFTMAX);
                }
            }
        }
    }

    /** Logs (log-sum-exp, log-softmax) near 0 are differences of O(1) terms: compared against max(|want|, 1). */
    private static void compare(String where, double want, double got, boolean f32, boolean log) {
        if (Double.isNaN(want) || Double.isInfinite(want) || want == 0) {
            if (Double.doubleToLongBits(want) != Double.doubleToLongBits(got)) {
                fail(where + ": scalar " + want + ", SIMD " + got);
            }
            return;
        }
        if (f32) {
            // Float lanes: softmax within 3 ulp; logs within 3 ulp of max(|want|, 1).
            double ulp = Math.ulp((float) (log ? Math.max(Math.abs(want), 1) : Math.abs(want)));
            if (Math.abs(want - got) > 3 * ulp) fail(where + ": scalar " + want + ", SIMD " + got + " (" + Math.abs(want - got) / ulp + " float ulp)");
        } else if (Math.abs(want - got) > 1e-13 * (log ? Math.max(Math.abs(want), 1) : Math.abs(want))) {
            fail(where + ": scalar " + want + ", SIMD " + got);
        }
    }

    private static float[] toFloats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
