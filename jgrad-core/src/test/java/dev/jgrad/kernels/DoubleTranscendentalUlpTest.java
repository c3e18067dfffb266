package dev.jgrad.kernels;

import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIMD float64 sin, cos, tan, tanh, exp and expm1 against Math.* on over two million arguments each,
 * spread over every range where a polynomial form can go wrong: all magnitudes (random bit patterns,
 * subnormals included), near multiples of π/2, around the reduction and overflow thresholds, and the
 * special values. Within 1 ulp; ±0, ±∞ and NaN exactly (the sign of zero kept). Rows have an odd
 * length, so the tail path is checked too.
 */
class DoubleTranscendentalUlpTest {
    private static final int ROW = 4099;
    private static final int ROWS = 500;
    private static Kernels simd;

    @BeforeAll
    static void simdKernels() {
        simd = StridedViews.simdKernelsOrSkip();
    }

    @Test
    void sin() {
        check(UnaryFn.Kind.SIN, Math::sin, DoubleTranscendentalUlpTest::trigArgument);
    }

    @Test
    void cos() {
        check(UnaryFn.Kind.COS, Math::cos, DoubleTranscendentalUlpTest::trigArgument);
    }

    @Test
    void tan() {
        check(UnaryFn.Kind.TAN, Math::tan, DoubleTranscendentalUlpTest::trigArgument);
    }

    @Test
    void exp() {
        check(UnaryFn.Kind.EXP, Math::exp, DoubleTranscendentalUlpTest::expArgument);
    }

    @Test
    void expm1() {
        check(UnaryFn.Kind.EXPM1, Math::expm1, DoubleTranscendentalUlpTest::expArgument);
    }

    @Test
    void tanh() {
        check(UnaryFn.Kind.TANH, Math::tanh, DoubleTranscendentalUlpTest::tanhArgument);
    }

    private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 1e300, -1e300,
        1e5, -1e5, 1e22, 708, -708, 709.78, 709.79, -745.13, -745.2, 20, -20, 22, 0x1p-27, 0x1p-54};

    /** One argument in eight: any bit pattern (every magnitude, NaN, ∞); else a range-specific one. */
    private interface Source {
        double next(Random rnd);
    }

    private static double anyOrSpecial(Random rnd) {
        return rnd.nextInt(50) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : Double.longBitsToDouble(rnd.nextLong());
    }

    private static double signed(Random rnd, double v) {
        return rnd.nextBoolean() ? v : -v;
    }

    /** Log-uniform magnitude in [2^lo, 2^hi). */
    private static double logUniform(Random rnd, int lo, int hi) {
        return Math.scalb(1 + rnd.nextDouble(), lo + rnd.nextInt(hi - lo));
    }

    private static double trigArgument(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> anyOrSpecial(rnd);
            // Near k·π/2 (the reduction's hard cases), k up to beyond the polynomial range.
            case 1, 2 -> {
                double k = rnd.nextInt(3) == 0 ? rnd.nextInt(200_000) : rnd.nextInt(64);
                double v = k * (Math.PI / 2);
                for (int s = rnd.nextInt(40) - 20; s != 0; s += s > 0 ? -1 : 1) {
                    v = s > 0 ? Math.nextUp(v) : Math.nextDown(v);
                }
                yield signed(rnd, v);
            }
            case 3 -> signed(rnd, logUniform(rnd, -1074, 30));
            default -> signed(rnd, logUniform(rnd, -8, 18));
        };
    }

    private static double expArgument(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> anyOrSpecial(rnd);
            case 1 -> signed(rnd, logUniform(rnd, -1074, 10));
            // Overflow, subnormal results and underflow to 0.
            case 2 -> 700 + 15 * rnd.nextDouble();
            case 3 -> -760 + 60 * rnd.nextDouble();
            case 4 -> signed(rnd, logUniform(rnd, -60, 0));
            default -> -50 + 100 * rnd.nextDouble();
        };
    }

    private static double tanhArgument(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> anyOrSpecial(rnd);
            case 1 -> signed(rnd, logUniform(rnd, -1074, 10));
            // Around saturation and the range where the quotient's two parts are comparable.
            case 2 -> signed(rnd, 15 + 10 * rnd.nextDouble());
            case 3 -> signed(rnd, logUniform(rnd, -60, -1));
            default -> -4 + 8 * rnd.nextDouble();
        };
    }

    private static void check(UnaryFn.Kind kind, DoubleUnaryOperator reference, Source source) {
        Random rnd = new Random(kind.ordinal() * 7919L + 17);
        UnaryFn f = UnaryFn.of(kind);
        double[] x = new double[ROW];
        double[] y = new double[ROW];
        long worst = 0;
        long off = 0;
        for (int row = 0; row < ROWS; row++) {
            for (int i = 0; i < ROW; i++) {
                x[i] = source.next(rnd);
            }
            simd.mapRange(f, new Storage.F64(x), 0, new Storage.F64(y), 0, ROW);
            for (int i = 0; i < ROW; i++) {
                double want = reference.applyAsDouble(x[i]);
                int at = i;
                if (Double.isNaN(want) || want == 0 || Double.isInfinite(want)) {
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(y[i]), () -> kind + "(" + x[at] + ") = " + y[at] + ", Math gives " + want);
                    continue;
                }
                long ulps = Math.abs(ordered(want) - ordered(y[i]));
                off += ulps == 0 ? 0 : 1;
                if (ulps > worst) {
                    worst = ulps;
                }
                long u = ulps;
                assertTrue(u <= 1, () -> kind + "(" + x[at] + ") = " + y[at] + ", Math gives " + want + ": " + u + " ulp");
            }
        }
        System.out.println(kind + " float64: max " + worst + " ulp over " + (long) ROW * ROWS + " arguments (" + off + " off by one)");
    }

    /** The double's position on the number line in ulps (consecutive doubles differ by 1; ±0 both 0). */
    private static long ordered(double v) {
        long bits = Double.doubleToLongBits(v);
        return bits < 0 ? -(bits & Long.MAX_VALUE) : bits;
    }
}
