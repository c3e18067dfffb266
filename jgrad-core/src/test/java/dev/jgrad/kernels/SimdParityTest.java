package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.kernels.StridedViews.Kind;
import dev.jgrad.kernels.StridedViews.View;
import dev.jgrad.kernels.simd.SimdKernels;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import static dev.jgrad.kernels.StridedViews.DTYPES;
import static dev.jgrad.kernels.StridedViews.LENGTHS;
import static dev.jgrad.kernels.StridedViews.assertSame;
import static dev.jgrad.kernels.StridedViews.assertUlps;
import static dev.jgrad.kernels.StridedViews.assertWithin;
import static dev.jgrad.kernels.StridedViews.sentinel;
import static dev.jgrad.kernels.StridedViews.view;

/**
 * SIMD kernels against the scalar reference on what the contract test leaves out: lengths past the
 * threading threshold (several threads each take a piece of a row), the broadcast patterns ops
 * produce (a scalar, a repeated row, a repeated column), big strided views, and reductions of big
 * tensors, with NaN, ±inf, ±0 and huge values sprinkled everywhere. Same tolerances as the
 * contract: bit-exact except the documented ulp bounds for transcendental forms and reordered sums.
 */
class SimdParityTest {
    /** Past {@link SimdKernels}' per-thread minimum, so the threaded path runs (when there are 2+ cores). */
    private static final int BIG = 2 * SimdKernels.MIN_CHUNK + 3;
    private static final Kernels SCALAR = new ScalarKernels();
    private static Kernels simd;

    @BeforeAll
    static void simdKernels() {
        simd = StridedViews.simdKernelsOrSkip();
    }

    /** Mostly uniform in [-5, 5]; one in ten a special value. */
    private static DoubleSupplier values(Random rnd) {
        double[] odd = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1e30, -1e30,
                Double.MIN_VALUE, 1e-310, 100, -100, 1, -1, 0.5};
        return () -> rnd.nextInt(10) == 0 ? odd[rnd.nextInt(odd.length)] : -5 + 10 * rnd.nextDouble();
    }

    private static List<int[]> shapes() {
        List<int[]> shapes = new ArrayList<>();
        for (int n : LENGTHS) {
            shapes.add(new int[] {n});
        }
        shapes.addAll(List.of(new int[] {BIG}, new int[] {2, BIG / 2}, new int[] {BIG / 3, 3}));
        return shapes;
    }

    @Test
    void mapAgreesOnBigAndStridedInputsWithSpecialValues() {
        Random rnd = new Random(11);
        for (DType dt : DTYPES) {
            for (int[] shape : shapes()) {
                for (Kind kind : new Kind[] {Kind.OFFSET, Kind.STEP3, Kind.TRANSPOSED, Kind.BROADCAST_OUTER}) {
                    View x = view(kind, shape, dt, values(rnd));
                    for (KernelsContractTest.Unary fn : KernelsContractTest.unaryFunctions()) {
                        Storage want = sentinel(dt, x.numel());
                        Storage got = sentinel(dt, x.numel());
                        SCALAR.map(fn.f(), x.storage(), x.layout(), want);
                        simd.map(fn.f(), x.storage(), x.layout(), got);
                        long bound = KernelsContractTest.ulpBound(simd, fn.f(), dt);
                        for (int i = 0; i < x.numel(); i++) {
                            int at = i;
                            assertUlps(dt, want.get(i), got.get(i), bound, () -> "map " + fn.label() + " on " + x.label()
                                    + " at " + at + " (x = " + x.at(at) + ")");
                        }
                    }
                }
            }
        }
    }

    /** b as ops pass it: same shape, a broadcast scalar, a repeated row, a repeated column. */
    private static List<View> partners(int[] shape, DType dt, DoubleSupplier values) {
        View full = view(Kind.OFFSET, shape, dt, values);
        View one = view(Kind.CONTIGUOUS, new int[] {1}, dt, values);
        Layout scalar = new Layout(shape, new int[shape.length], 0);
        List<View> views = new ArrayList<>(List.of(full,
                new View("scalar " + one.at(0), one.storage(), scalar, StridedViews.positions(scalar))));
        if (shape.length == 2) {
            views.add(view(Kind.BROADCAST_OUTER, shape, dt, values));
            views.add(view(Kind.BROADCAST_INNER, shape, dt, values));
        }
        return views;
    }

    @Test
    void zipAgreesBitForBitOnEveryBroadcastPatternBothWays() {
        Random rnd = new Random(12);
        for (DType dt : DTYPES) {
            for (int[] shape : shapes()) {
                View a = view(Kind.CONTIGUOUS, shape, dt, values(rnd));
                for (View b : partners(shape, dt, values(rnd))) {
                    for (DoubleBinaryOperator fn : KernelsContractTest.binaryFunctions()) {
                        checkZip(fn, a, b);
                        checkZip(fn, b, a);
                    }
                }
            }
        }
    }

    private static void checkZip(DoubleBinaryOperator fn, View a, View b) {
        DType dt = a.storage().dtype();
        Storage want = sentinel(dt, a.numel());
        Storage got = sentinel(dt, a.numel());
        SCALAR.zip(fn, a.storage(), a.layout(), b.storage(), b.layout(), want);
        simd.zip(fn, a.storage(), a.layout(), b.storage(), b.layout(), got);
        for (int i = 0; i < a.numel(); i++) {
            int at = i;
            Supplier<String> where = () -> "zip " + fn + " of " + a.label() + " and " + b.label() + " at " + at
                    + " (" + a.at(at) + ", " + b.at(at) + ")";
            double tol = KernelsContractTest.sigmoidRuleTolerance(simd, fn, dt, a.at(i), b.at(i), want.get(i));
            if (tol > 0) {
                StridedViews.assertWithin(want.get(i), got.get(i), tol, where);
            } else {
                assertSame(want.get(i), got.get(i), where);
            }
        }
    }

    @Test
    void selectAndCopiesAgreeOnBigViews() {
        Random rnd = new Random(13);
        double[] conditions = {0.0, -0.0, Double.NaN, 1, -2};
        for (DType dt : DTYPES) {
            for (int[] shape : shapes()) {
                View c = view(Kind.OFFSET, shape, dt, () -> conditions[rnd.nextInt(conditions.length)]);
                View a = view(Kind.CONTIGUOUS, shape, dt, values(rnd));
                View b = view(Kind.STEP3, shape, dt, values(rnd));
                Storage want = sentinel(dt, c.numel());
                Storage got = sentinel(dt, c.numel());
                SCALAR.select(c.storage(), c.layout(), a.storage(), a.layout(), b.storage(), b.layout(), want);
                simd.select(c.storage(), c.layout(), a.storage(), a.layout(), b.storage(), b.layout(), got);
                SCALAR.copy(b.storage(), b.layout(), want);
                simd.copy(b.storage(), b.layout(), got);
                for (int i = 0; i < c.numel(); i++) {
                    int at = i;
                    assertSame(want.get(i), got.get(i), () -> "select/copy on " + a.label() + " at " + at);
                }
            }
        }
    }

    @Test
    void reductionsAgreeOnBigTensorsOverEveryAxisSubset() {
        Random rnd = new Random(14);
        int[][] shapes = {{BIG}, {200, 701}, {701, 200}, {10, 31, 60}, {3, 2, BIG / 5}};
        for (DType dt : DTYPES) {
            for (int[] shape : shapes) {
                for (Kind kind : new Kind[] {Kind.OFFSET, Kind.TRANSPOSED}) {
                    View plain = view(kind, shape, dt, StridedViews.uniform(rnd, -1, 1));
                    View odd = view(kind, shape, dt, values(rnd));
                    for (boolean[] axes : ReductionAndIndexingChecks.axisMasks(shape.length)) {
                        checkReduce(plain, axes);
                        checkReduce(odd, axes);
                    }
                }
            }
        }
    }

    private static void checkReduce(View x, boolean[] axes) {
        DType dt = x.storage().dtype();
        int m = 1;
        for (int d = 0; d < axes.length; d++) {
            m *= axes[d] ? 1 : x.shape()[d];
        }
        Storage magnitude = Storage.allocate(DType.FLOAT64, m);
        Storage abs = Storage.allocate(DType.FLOAT64, x.storage().length());
        for (int p = 0; p < abs.length(); p++) {
            abs.set(p, Math.abs(x.storage().get(p)));
        }
        SCALAR.reduce(Kernels.Reduction.SUM, abs, x.layout(), axes, magnitude);
        for (Kernels.Reduction red : Kernels.Reduction.values()) {
            Storage want = sentinel(dt, m);
            Storage got = sentinel(dt, m);
            SCALAR.reduce(red, x.storage(), x.layout(), axes, want);
            simd.reduce(red, x.storage(), x.layout(), axes, got);
            for (int p = 0; p < m; p++) {
                int at = p;
                String what = "reduce " + red + " " + Arrays.toString(axes) + " of " + x.label() + " at " + at;
                if (red == Kernels.Reduction.SUM || red == Kernels.Reduction.SUM_OF_SQUARES) {
                    double e = want.get(p);
                    // Squares are all ≥ 0: their sum is its own magnitude.
                    double size = red == Kernels.Reduction.SUM ? magnitude.get(p) : Math.abs(e);
                    double tol = 1e-12 * size + (dt == DType.FLOAT32 ? Math.ulp((float) e) : 0);
                    assertWithin(e, got.get(p), tol, () -> what);
                } else {
                    // Which of two equal zeros wins depends on the visiting order.
                    assertSame(want.get(p) + 0.0, got.get(p) + 0.0, () -> what);
                }
            }
        }
    }
}
