package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;

/**
 * Element functions composed from vector operations: σ and softplus from the vector library's
 * EXP/LOG1P (not yet from jgrad's own deterministic polynomials, {@link DoublePoly} and
 * {@link FloatPoly}, which exp, sin, cos and tanh use), sign, relu, clamp and friends. Same
 * formulas as the scalar definitions in {@link dev.jgrad.kernels.UnaryFn}, so kinks and special
 * values agree.
 */
@SuppressWarnings("unchecked") // each result has its argument's concrete vector type
final class VectorMath {
    private VectorMath() {
    }

    /** σ(x): 1/(1 + e⁻ˣ) for x ≥ 0, eˣ/(1 + eˣ) otherwise (as UnaryFn.sigmoid); e^{−|x|} never overflows. */
    static <E, V extends Vector<E>> V sigmoid(V x) {
        Vector<E> e = x.lanewise(VectorOperators.ABS).neg().lanewise(VectorOperators.EXP);
        Vector<E> d = e.add(x.broadcast(1));
        Vector<E> positive = x.broadcast(1).div(d);
        return (V) e.div(d).blend(positive, x.compare(VectorOperators.GE, 0));
    }

    /** ln(1 + eˣ) = max(x, 0) + ln(1 + e^{−|x|}). */
    static <E, V extends Vector<E>> V softplus(V x) {
        Vector<E> e = x.lanewise(VectorOperators.ABS).neg().lanewise(VectorOperators.EXP);
        return (V) x.lanewise(VectorOperators.MAX, x.broadcast(0)).add(e.lanewise(VectorOperators.LOG1P));
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
     * library vector transcendentals, and forms built from them); every other kind is bit-exact.
     */
    static boolean approximate(dev.jgrad.kernels.UnaryFn.Kind kind) {
        return switch (kind) {
            case EXP, EXPM1, LOG, LOG1P, SIN, COS, TAN, TANH, SIGMOID, SOFTPLUS, SILU -> true;
            default -> false;
        };
    }
}
