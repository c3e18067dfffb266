package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.UnaryFn;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;

/**
 * Element functions composed from vector operations: σ and softplus from jgrad's own deterministic
 * exp and ln(1 + x) ({@link DoublePoly}, {@link DoubleLog}), sign, relu, clamp and friends. Same
 * formulas as the scalar definitions in {@link dev.jgrad.kernels.UnaryFn}, so kinks and special
 * values agree.
 */
@SuppressWarnings("unchecked") // each result has its argument's concrete vector type
final class VectorMath {
    private VectorMath() {
    }

    /**
     * σ(x): 1/(1 + e⁻ˣ) for x ≥ 0, eˣ/(1 + eˣ) otherwise (as UnaryFn.sigmoid); e^{−|x|} never
     * overflows. Lanes with x &lt; −{@link DoublePoly#EXP_LIMIT} (subnormal results) are wrong: callers
     * patch them ({@link #inExpRange}).
     */
    static DoubleVector sigmoid(DoubleVector x) {
        DoubleVector e = expOfMinusAbs(x);
        DoubleVector d = e.add(D_ONE);
        // One division: the numerator picked per lane (e/d and 1/d as UnaryFn.sigmoid gives them).
        return e.blend(D_ONE, x.compare(VectorOperators.GE, 0)).div(d);
    }

    /**
     * GELU's argument u = x·(a + b·x²) of σ ({@link dev.jgrad.kernels.UnaryFn#GELU_A}), in the
     * scalar definition's order: the result is then x·{@link #sigmoid}(u), its lanes patched where
     * u is not {@link #inExpRange}.
     */
    static DoubleVector geluArgument(DoubleVector x) {
        return x.mul(x).mul(GELU_B).add(GELU_A).mul(x);
    }

    private static final DoubleVector GELU_A = DoubleVector.broadcast(DoubleLanes.S, UnaryFn.GELU_A);
    private static final DoubleVector GELU_B = DoubleVector.broadcast(DoubleLanes.S, UnaryFn.GELU_B);

    /**
     * o[op + i] = softplus(x[xp + i]) = max(x, 0) + ln(1 + e^{−|x|}) for i &lt; n (a multiple of the
     * vector length), lanes below exp's range from the scalar definition. Two loops per block
     * (e^{−|x|}, then the rest): one loop doing both ran at half the speed (C2 left a call out and
     * boxed the vectors).
     */
    static void softplus(double[] x, int xp, double[] o, int op, int n) {
        int len = DoubleLanes.S.length();
        double[] e = new double[Math.min(n, 512)];
        for (int s = 0; s < n; s += e.length) {
            int m = Math.min(e.length, n - s);
            for (int i = 0; i < m; i += len) expOfMinusAbs(DoubleVector.fromArray(DoubleLanes.S, x, xp + s + i)).intoArray(e, i);
            for (int i = 0; i < m; i += len) {
                DoubleVector v = DoubleVector.fromArray(DoubleLanes.S, x, xp + s + i);
                DoubleVector y = v.max(D_ZERO).add(DoubleLog.log1pOfUnit(DoubleVector.fromArray(DoubleLanes.S, e, i)));
                y.intoArray(o, op + s + i);
                if (!inExpRange(v)) {
                    double[] args = v.toArray();
                    for (int j = 0; j < len; j++) {
                        if (!(args[j] >= -DoublePoly.EXP_LIMIT)) o[op + s + i + j] = SOFTPLUS.applyAsDouble(args[j]);
                    }
                }
            }
        }
    }

    private static final UnaryFn SOFTPLUS = UnaryFn.of(UnaryFn.Kind.SOFTPLUS);

    /** e^{−|x|}, the argument clamped where 2ⁿ stays normal (beyond it σ rounds to 1 for x &gt; 0). */
    private static DoubleVector expOfMinusAbs(DoubleVector x) {
        return DoublePoly.exp(x.abs().neg().max(-DoublePoly.EXP_LIMIT));
    }

    /** True when every lane of x is ≥ −{@link DoublePoly#EXP_LIMIT} (NaN fails), so σ and softplus need no patch. */
    static boolean inExpRange(DoubleVector x) {
        return x.compare(VectorOperators.GE, -DoublePoly.EXP_LIMIT).allTrue();
    }

    /** sign(x): ±1, with ±0 and NaN returned unchanged (Math.signum). */
    static <E, V extends Vector<E>> V sign(V x) {
        Vector<E> r = x.blend(x.broadcast(1), x.compare(VectorOperators.GT, 0));
        return (V) r.blend(x.broadcast(-1), x.compare(VectorOperators.LT, 0));
    }

    /** max(x, 0) with NaN kept: x ≤ 0 (−0 included) gives +0. */
    static <E, V extends Vector<E>> V relu(V x) {
        return (V) x.blend(x.broadcast(0), x.compare(VectorOperators.LE, 0));
    }

    /** x &lt; lo ? lo : (x &gt; hi ? hi : x), in that order (NaN stays NaN). */
    static <E, V extends Vector<E>> V clamp(V x, V lo, V hi) {
        return (V) x.blend(hi, x.compare(VectorOperators.GT, hi)).blend(lo, x.compare(VectorOperators.LT, lo));
    }

    /** x for x &gt; 0, slope·x otherwise. */
    static <E, V extends Vector<E>> V leakyRelu(V x, V slope) {
        return (V) x.mul(slope).blend(x, x.compare(VectorOperators.GT, 0));
    }

    /** 1 where the comparison holds, 0 elsewhere (NaN compares false, as Java's operators). */
    static DoubleVector indicator(DoubleVector a, VectorOperators.Comparison c, DoubleVector b) {
        return D_ZERO.blend(D_ONE, a.compare(c, b));
    }

    /** Float lanes of {@link #indicator(DoubleVector, VectorOperators.Comparison, DoubleVector)}. */
    static FloatVector indicator(FloatVector a, VectorOperators.Comparison c, FloatVector b) {
        return F_ZERO.blend(F_ONE, a.compare(c, b));
    }

    // Typed constants: the generic broadcast(long) form was not intrinsified (JFR showed the
    // Java fallback of compare/broadcast in relu's backward).
    private static final DoubleVector D_ZERO = DoubleVector.zero(DoubleLanes.S);
    private static final DoubleVector D_ONE = DoubleVector.broadcast(DoubleLanes.S, 1.0);
    private static final FloatVector F_ZERO = FloatVector.zero(FloatLanes.S);
    private static final FloatVector F_ONE = FloatVector.broadcast(FloatLanes.S, 1f);

    /**
     * Kinds whose vector form may differ from the scalar definition by an ulp or two (polynomials,
     * library vector transcendentals, and forms built from them; float32 xᵃ); every other kind is
     * bit-exact.
     */
    static boolean approximate(dev.jgrad.kernels.UnaryFn.Kind kind) {
        return switch (kind) {
            case EXP, EXPM1, LOG, LOG1P, SIN, COS, TAN, TANH, SIGMOID, SOFTPLUS, SILU, GELU, POW_SCALAR -> true;
            default -> false;
        };
    }
}
