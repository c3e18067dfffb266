package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.kernels.StridedViews.Kind;
import dev.jgrad.kernels.StridedViews.View;
import dev.jgrad.kernels.simd.SimdKernels;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.jgrad.kernels.StridedViews.DTYPES;
import static dev.jgrad.kernels.StridedViews.assertSame;
import static dev.jgrad.kernels.StridedViews.assertWithin;
import static dev.jgrad.kernels.StridedViews.elementwiseShapes;
import static dev.jgrad.kernels.StridedViews.rounded;
import static dev.jgrad.kernels.StridedViews.sentinel;
import static dev.jgrad.kernels.StridedViews.tiesAndUniform;
import static dev.jgrad.kernels.StridedViews.uniform;
import static dev.jgrad.kernels.StridedViews.view;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The contract every {@link Kernels} implementation meets, checked against naive loops written
 * here: element-wise results equal the scalar definitions bit for bit (float32: the double result
 * rounded to float) on every layout kind and on lengths around vector widths, except the SIMD
 * kernels' transcendental forms, held to the measured ulp bounds of {@link #ulpBound}; sums and matrix
 * products agree within a rounding tolerance (a vectorised implementation may reorder them).
 * The reference loops for reductions, argReduce, matmul and gather/scatter live in
 * {@link ReductionAndIndexingChecks}.
 */
class KernelsContractTest {
    private static final Kind[] KINDS = Kind.values();

    /** Every implementation under contract; a new one is one more argument here. */
    static Stream<Kernels> implementations() {
        // The SIMD kernels load only with the vector module (surefire adds it; a plain IDE run may not).
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? Stream.of(new ScalarKernels(), new SimdKernels()) : Stream.of(new ScalarKernels());
    }

    /**
     * How far (in units in the last place of the output dtype) an implementation's map may be from
     * the scalar definition: 0 (bit-exact) for everything but the SIMD kernels' transcendental
     * forms. Bounds are the worst distances measured over 3M arguments (these domains, specials,
     * and magnitudes 1e-6..1e6): jgrad's polynomial exp, expm1, log, log1p, sin, cos and tan (and
     * float32 tanh) 1 ulp; tanh from EXPM1 and σ/softplus from EXP 2 ulp in float64, x·σ(x) and GELU's x·σ(u) 3 ulp;
     * float32 σ and softplus in float lanes 2 ulp, x·σ(x) 3 ulp (worst over 33M float arguments:
     * random bit patterns with |x| ≤ 100 and uniform [−20, 20]); the float32 ones computed in
     * double lanes (GELU, xᵃ as exp(a·ln x)) stay within 1 float ulp.
     */
    static long ulpBound(Kernels k, DoubleUnaryOperator f, DType dt) {
        if (!(k instanceof SimdKernels) || !(f instanceof UnaryFn u)) {
            return 0;
        }
        boolean f64 = dt == DType.FLOAT64;
        return switch (u.kind()) {
            case EXP, EXPM1, LOG, LOG1P, SIN, COS, TAN -> 1;
            case TANH -> f64 ? 2 : 1;
            case SIGMOID, SOFTPLUS -> 2;
            case SILU -> 3;
            case GELU -> f64 ? 3 : 1;
            case POW_SCALAR -> f64 ? 0 : 1;
            default -> 0;
        };
    }

    /** Values where functions have their special cases: NaN, ±inf, ±0, subnormals, overflow edges. */
    static final double[] SPECIALS = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1, -1, 0.5, -0.5, 2, -3,
            1e-300, 1e-8, -1e-8, 20, -20, 710, -746, Math.PI / 2, 1e300};

    @Test
    void providerGivesANamedImplementation() {
        Kernels k = KernelProvider.get();
        assertNotNull(k);
        assertNotNull(k.name());
        assertFalse(k.name().isBlank());
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void copyMaterialisesEveryLayoutInRowMajorOrderAndConvertsDtype(Kernels k) {
        Random rnd = new Random(1);
        for (DType from : DTYPES) {
            for (DType to : DTYPES) {
                for (int[] shape : elementwiseShapes()) {
                    for (Kind kind : KINDS) {
                        View x = view(kind, shape, from, uniform(rnd, -3, 3));
                        Storage out = sentinel(to, x.numel());
                        k.copy(x.storage(), x.layout(), out);
                        for (int i = 0; i < x.numel(); i++) {
                            int at = i;
                            assertSame(rounded(to, x.at(i)), out.get(i), () -> k.name() + " copy " + x.label()
                                    + " -> " + to + " at " + at);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void copyIntoWritesOnlyTheDestinationViewAndRoundTrips(Kernels k) {
        Random rnd = new Random(2);
        for (DType from : DTYPES) {
            for (DType to : DTYPES) {
                for (int[] shape : elementwiseShapes()) {
                    for (Kind srcKind : KINDS) {
                        for (Kind dstKind : KINDS) {
                            // Every layout pair within a dtype; one destination per source across dtypes.
                            boolean sampled = from == to || dstKind.ordinal() == srcKind.ordinal() % 5;
                            if (dstKind.writable() && sampled) {
                                copyIntoOnce(k, shape, view(srcKind, shape, from, uniform(rnd, -3, 3)),
                                        view(dstKind, shape, to, uniform(rnd, 10, 20)));
                            }
                        }
                    }
                }
            }
        }
    }

    private static void copyIntoOnce(Kernels k, int[] shape, View src, View dst) {
        DType to = dst.storage().dtype();
        double[] before = new double[dst.storage().length()];
        for (int i = 0; i < before.length; i++) {
            before[i] = dst.storage().get(i);
        }
        k.copyInto(src.storage(), src.layout(), dst.storage(), dst.layout());
        String what = k.name() + " copyInto " + src.label() + " -> " + dst.label();
        boolean[] inView = new boolean[before.length];
        for (int i = 0; i < src.numel(); i++) {
            int at = i;
            inView[dst.positions()[i]] = true;
            assertSame(rounded(to, src.at(i)), dst.at(i), () -> what + " at " + at);
        }
        for (int p = 0; p < before.length; p++) {
            if (!inView[p]) {
                int at = p;
                assertSame(before[p], dst.storage().get(p), () -> what + ": wrote storage position " + at
                        + " outside the destination view");
            }
        }
        Storage back = sentinel(to, src.numel());
        k.copyInto(dst.storage(), dst.layout(), back, Layout.contiguous(shape));
        for (int i = 0; i < src.numel(); i++) {
            int at = i;
            assertSame(rounded(to, src.at(i)), back.get(i), () -> what + " and back, at " + at);
        }
    }

    /** One function to map, with the interval its random arguments come from (its domain). */
    record Unary(String label, DoubleUnaryOperator f, double lo, double hi) {
    }

    /** Every UnaryFn kind (with parameters where it takes them) and one plain lambda. */
    static List<Unary> unaryFunctions() {
        List<Unary> fns = new ArrayList<>();
        for (UnaryFn.Kind kind : UnaryFn.Kind.values()) {
            List<UnaryFn> instances = switch (kind) {
                case LEAKY_RELU -> List.of(UnaryFn.of(kind, 0.01), UnaryFn.of(kind, -0.5));
                case ADD_SCALAR -> List.of(UnaryFn.of(kind, 2.5), UnaryFn.of(kind, -0.0));
                case MUL_SCALAR -> List.of(UnaryFn.of(kind, -3), UnaryFn.of(kind, 0.0));
                case POW_SCALAR -> List.of(UnaryFn.of(kind, 2), UnaryFn.of(kind, 3), UnaryFn.of(kind, -1),
                        UnaryFn.of(kind, 0.5), UnaryFn.of(kind, -1.5));
                case CLAMP -> List.of(UnaryFn.of(kind, -0.5, 0.75), UnaryFn.of(kind, 1, 1));
                default -> List.of(UnaryFn.of(kind));
            };
            for (UnaryFn f : instances) {
                boolean fractionalPower = kind == UnaryFn.Kind.POW_SCALAR && f.a() != Math.rint(f.a());
                double lo = switch (kind) {
                    case LOG, SQRT -> 0.01;
                    case LOG1P -> -0.99;
                    default -> fractionalPower ? 0.01 : -4;
                };
                fns.add(new Unary(f.toString(), f, lo, 4));
            }
        }
        fns.add(new Unary("lambda", x -> 0.5 * x + Math.sin(x) * x, -4, 4));
        return fns;
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void mapEqualsTheScalarDefinitionOfEveryFunctionOnEveryLayout(Kernels k) {
        Random rnd = new Random(3);
        List<Unary> fns = unaryFunctions();
        for (DType dt : DTYPES) {
            for (int[] shape : elementwiseShapes()) {
                for (Kind kind : KINDS) {
                    // One view per domain, shared by the functions defined on it.
                    Map<Double, View> byDomain = new HashMap<>();
                    for (Unary fn : fns) {
                        checkMap(k, fn, byDomain.computeIfAbsent(fn.lo(),
                                lo -> view(kind, shape, dt, uniform(rnd, lo, fn.hi()))));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void mapEqualsTheScalarDefinitionOnSpecialValues(Kernels k) {
        for (Unary fn : unaryFunctions()) {
            for (DType dt : DTYPES) {
                for (int n : new int[] {SPECIALS.length, 1023, 4098}) {
                    int[] next = {0};
                    checkMap(k, fn, view(Kind.CONTIGUOUS, new int[] {n}, dt,
                            () -> SPECIALS[next[0]++ % SPECIALS.length]));
                }
            }
        }
    }

    private static void checkMap(Kernels k, Unary fn, View x) {
        DType dt = x.storage().dtype();
        Storage out = sentinel(dt, x.numel());
        k.map(fn.f(), x.storage(), x.layout(), out);
        long bound = ulpBound(k, fn.f(), dt);
        for (int i = 0; i < x.numel(); i++) {
            int at = i;
            double v = x.at(i);
            StridedViews.assertUlps(dt, rounded(dt, fn.f().applyAsDouble(v)), out.get(i), bound,
                    () -> k.name() + " map " + fn.label() + " on " + x.label() + " at " + at + " (x = " + v + ")");
        }
    }

    /** Every BinaryFn and one plain lambda. */
    static List<DoubleBinaryOperator> binaryFunctions() {
        List<DoubleBinaryOperator> fns = new ArrayList<>(List.of(BinaryFn.values()));
        fns.add((a, b) -> a * b - 0.5 * a);
        return fns;
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void zipEqualsTheScalarDefinitionOnEveryLayoutPairAndDtypeMix(Kernels k) {
        Random rnd = new Random(4);
        DoubleSupplier values = tiesAndUniform(rnd);
        List<DoubleBinaryOperator> fns = binaryFunctions();
        for (DType da : DTYPES) {
            for (DType db : DTYPES) {
                for (int[] shape : elementwiseShapes()) {
                    for (int i = 0; i < KINDS.length; i++) {
                        // Three layout pairs per layout within a dtype, one across dtypes.
                        for (int shift : da == db ? new int[] {0, 1, 3} : new int[] {1}) {
                            View a = view(KINDS[i], shape, da, values);
                            View b = view(KINDS[(i + shift) % KINDS.length], shape, db, values);
                            for (DoubleBinaryOperator fn : fns) {
                                checkZip(k, fn, a, b);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void zipEqualsTheScalarDefinitionOnEveryPairOfSpecialValues(Kernels k) {
        int s = SPECIALS.length;
        for (DoubleBinaryOperator fn : binaryFunctions()) {
            for (DType dt : DTYPES) {
                // Outer product of the specials through broadcast layouts, then tiled contiguously.
                int[] next = {0};
                DoubleSupplier cycle = () -> SPECIALS[next[0]++ % s];
                View rows = view(Kind.CONTIGUOUS, new int[] {s}, dt, cycle);
                Layout down = new Layout(new int[] {s, s}, new int[] {1, 0}, 0);
                Layout across = new Layout(new int[] {s, s}, new int[] {0, 1}, 0);
                checkZip(k, fn, new View("specials down", rows.storage(), down, StridedViews.positions(down)),
                        new View("specials across", rows.storage(), across, StridedViews.positions(across)));
                for (int n : new int[] {1023, 4098}) {
                    next[0] = 0;
                    View a = view(Kind.CONTIGUOUS, new int[] {n}, dt, cycle);
                    next[0] = 0;
                    View b = view(Kind.CONTIGUOUS, new int[] {n}, dt, () -> SPECIALS[next[0]++ / s % s]);
                    checkZip(k, fn, a, b);
                }
            }
        }
    }

    private static void checkZip(Kernels k, DoubleBinaryOperator fn, View a, View b) {
        DType dt = DType.promote(a.storage().dtype(), b.storage().dtype());
        Storage out = sentinel(dt, a.numel());
        k.zip(fn, a.storage(), a.layout(), b.storage(), b.layout(), out);
        for (int i = 0; i < a.numel(); i++) {
            int at = i;
            double x = a.at(i);
            double y = b.at(i);
            double want = rounded(dt, fn.applyAsDouble(x, y));
            Supplier<String> where = () -> k.name() + " zip " + fn + " on " + a.label() + " and " + b.label()
                    + " at " + at + " (" + x + ", " + y + ")";
            double tol = sigmoidRuleTolerance(k, fn, dt, x, y, want);
            if (tol > 0) {
                assertWithin(want, out.get(i), tol, where);
            } else {
                assertSame(want, out.get(i), where);
            }
        }
    }

    /**
     * The SIMD kernels' σ-based reverse rules (softplus, SiLU, GELU: σ recomputed in its vector
     * form, up to 2 ulp from the scalar σ, 1 float ulp after float32 rounding) may differ from the
     * scalar definition by that σ difference carried through the rule, whose slope in σ is at most
     * 1 + |x|·(1 + a + 3b·x²), times |g|, plus a few ulp of the result; 0 (bit-exact) otherwise, and
     * where that bound is not finite (σ saturates there in both forms alike).
     */
    static double sigmoidRuleTolerance(Kernels k, DoubleBinaryOperator fn, DType dt, double x, double g, double want) {
        if (!(k instanceof SimdKernels) || !(fn instanceof BinaryFn f)) {
            return 0;
        }
        boolean sigmoidRule = switch (f) {
            case SOFTPLUS_BACKWARD, SOFTPLUS_BACKWARD_F32, SILU_BACKWARD, SILU_BACKWARD_F32, GELU_BACKWARD,
                 GELU_BACKWARD_F32 -> true;
            default -> false;
        };
        double eps = dt == DType.FLOAT32 ? 0x1p-23 : 0x1p-52;
        double slope = 1 + Math.abs(x) * (1 + UnaryFn.GELU_A + BinaryFn.GELU_3B * x * x);
        double tol = 4 * eps * slope * Math.abs(g) + 4 * Math.ulp(dt == DType.FLOAT32 ? (float) want : want);
        return sigmoidRule && Double.isFinite(tol) ? tol : 0;
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void selectTakesAWhereTheConditionIsNonZeroOnEveryLayoutTriple(Kernels k) {
        Random rnd = new Random(5);
        double[] conditions = {0.0, -0.0, Double.NaN, 1, -2, 0.5, Double.MIN_VALUE};
        DoubleSupplier cond = () -> conditions[rnd.nextInt(conditions.length)];
        for (DType dt : DTYPES) {
            DType other = dt == DType.FLOAT64 ? DType.FLOAT32 : DType.FLOAT64;
            for (int[] shape : elementwiseShapes()) {
                for (int i = 0; i < KINDS.length; i++) {
                    for (int shift : new int[] {0, 1, 2}) {
                        View c = view(KINDS[i], shape, shift == 1 ? other : dt, cond);
                        View a = view(KINDS[(i + shift) % KINDS.length], shape, dt, uniform(rnd, -3, 3));
                        View b = view(KINDS[(i + 2 * shift) % KINDS.length], shape, dt, uniform(rnd, -3, 3));
                        Storage out = sentinel(dt, c.numel());
                        k.select(c.storage(), c.layout(), a.storage(), a.layout(), b.storage(), b.layout(), out);
                        for (int e = 0; e < c.numel(); e++) {
                            int at = e;
                            double expected = c.at(e) != 0 ? a.at(e) : b.at(e);
                            assertSame(expected, out.get(e), () -> k.name() + " select " + c.label() + " ? "
                                    + a.label() + " : " + b.label() + " at " + at);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void reduceOverEverySubsetOfAxesOfEveryLayout(Kernels k) {
        ReductionAndIndexingChecks.reduce(k);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void argReduceFindsTheFirstExtremeWithNaNAsTheExtreme(Kernels k) {
        ReductionAndIndexingChecks.argReduce(k);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void matmulMatchesADoubleLoopOnTransposedStridedAndBroadcastOperands(Kernels k) {
        ReductionAndIndexingChecks.matmul(k);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void gatherReadsTheIndexedElementOnEveryLayout(Kernels k) {
        ReductionAndIndexingChecks.gather(k);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void scatterAddAccumulatesRepeatedIndicesOnEveryLayout(Kernels k) {
        ReductionAndIndexingChecks.scatterAdd(k);
    }
}
