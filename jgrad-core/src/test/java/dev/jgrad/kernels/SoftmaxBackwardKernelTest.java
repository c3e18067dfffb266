package dev.jgrad.kernels;

import dev.jgrad.kernels.simd.SimdKernels;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The SIMD reverse rule of softmax and logSoftmax ({@link Kernels#softmaxBackward}) against the
 * scalar definition, both dtypes, g contiguous ({@code gStep} 1) and one value ({@code gStep} 0),
 * on rows and column blocks whose lengths leave vector tails and cut blocks, with offsets into y's
 * and g's storage, and log-softmax values beyond exp's polynomial range (−800, −∞). The bound is
 * the sum's rounding: (len + 4)·ε times the magnitudes that enter (|y|·(|g| + Σ|g·y|) for softmax,
 * |g| + e^y·Σ|g| for logSoftmax), ε of the dtype; exp(−∞)·s is exactly 0.
 */
class SoftmaxBackwardKernelTest {
    private static Kernels simd;
    private static final Kernels SCALAR = new ScalarKernels();

    @BeforeAll
    static void simdKernels() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "vector module not loaded");
        simd = new SimdKernels();
    }

    private static final int[][] SHAPES = {
        {1, 1, 1}, {3, 7, 1}, {2, 8, 1}, {2, 16, 1}, {4, 37, 1}, {2, 1000, 1}, {2, 5, 3}, {2, 9, 17},
        {3, 20, 64}, {2, 11, 70}, {1, 40, 130}, {1, 3, 1000}, {700, 33, 1}, {5, 1, 9},
    };

    @Test
    void simdMatchesTheScalarDefinition() {
        Random rnd = new Random(5);
        for (int[] sh : SHAPES) {
            int outer = sh[0], len = sh[1], inner = sh[2];
            int n = outer * len * inner;
            int yOff = 2, gOff = 5;
            for (Kernels.Softmax mode : new Kernels.Softmax[] {Kernels.Softmax.SOFTMAX, Kernels.Softmax.LOG_SOFTMAX}) {
                boolean soft = mode == Kernels.Softmax.SOFTMAX;
                double[] y = new double[yOff + n];
                double[] g = new double[gOff + n];
                for (int i = 0; i < y.length; i++) {
                    // Softmax values in (0, 1]; log-softmax values ≤ 0, a few beyond exp's vector range.
                    y[i] = soft ? rnd.nextDouble() : -Math.abs(rnd.nextGaussian() * 4);
                }
                for (int i = 0; i < g.length; i++) {
                    g[i] = rnd.nextGaussian();
                }
                if (!soft && n > 20) {
                    y[yOff + 3] = -800;
                    y[yOff + n / 2] = Double.NEGATIVE_INFINITY;
                    y[yOff + n - 1] = -1e300;
                }
                for (int gStep : new int[] {1, 0}) {
                    for (boolean f32 : new boolean[] {false, true}) {
                        Storage ys = f32 ? new Storage.F32(toFloats(y)) : new Storage.F64(y.clone());
                        Storage gs = f32 ? new Storage.F32(toFloats(g)) : new Storage.F64(g.clone());
                        Storage want = f32 ? new Storage.F32(new float[n]) : new Storage.F64(new double[n]);
                        Storage got = f32 ? new Storage.F32(new float[n]) : new Storage.F64(new double[n]);
                        SCALAR.softmaxBackward(mode, ys, yOff, gs, gOff, gStep, want, outer, len, inner);
                        simd.softmaxBackward(mode, ys, yOff, gs, gOff, gStep, got, outer, len, inner);
                        double eps = f32 ? 0x1p-24 : 0x1p-53;
                        for (int o = 0; o < outer; o++) {
                            for (int j = 0; j < inner; j++) {
                                double sumAbs = 0;
                                for (int k = 0; k < len; k++) {
                                    int i = o * len * inner + k * inner + j;
                                    double gi = gs.get(gOff + gStep * i);
                                    sumAbs += Math.abs(soft ? gi * ys.get(yOff + i) : gi);
                                }
                                for (int k = 0; k < len; k++) {
                                    int i = o * len * inner + k * inner + j;
                                    double yi = ys.get(yOff + i);
                                    double gi = gs.get(gOff + gStep * i);
                                    double scale = soft ? Math.abs(yi) * (Math.abs(gi) + sumAbs) : Math.abs(gi) + Math.exp(yi) * sumAbs;
                                    double tol = (len + 4) * eps * scale + Double.MIN_NORMAL;
                                    String where = mode + (f32 ? " float32 " : " float64 ") + "gStep " + gStep + " "
                                            + Arrays.toString(sh) + " at " + i + " (y " + yi + ", g " + gi + ")";
                                    if (!(Math.abs(want.get(i) - got.get(i)) <= tol)) {
                                        fail(where + ": scalar " + want.get(i) + ", SIMD " + got.get(i) + ", tolerance " + tol);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aConstantCotangentIsReadAsThatValueEverywhere() {
        // gStep 0 with g = c must equal gStep 1 with a tensor full of c, and softmax's rule for a
        // constant is c·y·(1 − Σy): about 0 where y sums to 1.
        int outer = 3, len = 45, inner = 1;
        int n = outer * len * inner;
        double[] x = new Random(8).doubles(n).map(v -> v * 6 - 3).toArray();
        Storage xs = new Storage.F64(x);
        Storage y = new Storage.F64(new double[n]);
        simd.softmax(Kernels.Softmax.SOFTMAX, xs, 0, y, outer, len, inner);
        double[] full = new double[n];
        Arrays.fill(full, 2.5);
        Storage fromConstant = new Storage.F64(new double[n]);
        Storage fromFull = new Storage.F64(new double[n]);
        simd.softmaxBackward(Kernels.Softmax.SOFTMAX, y, 0, new Storage.F64(new double[] {9, 2.5}), 1, 0, fromConstant, outer, len, inner);
        simd.softmaxBackward(Kernels.Softmax.SOFTMAX, y, 0, new Storage.F64(full), 0, 1, fromFull, outer, len, inner);
        for (int i = 0; i < n; i++) {
            assertEquals(fromFull.get(i), fromConstant.get(i), 1e-15, "at " + i);
            assertEquals(0, fromConstant.get(i), 1e-14, "at " + i);
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
