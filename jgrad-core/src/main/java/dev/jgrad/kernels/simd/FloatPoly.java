package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 eˣ, eˣ − 1, sin, cos (polynomials in float lanes) and tanh (a rational function in widened
 * double lanes, rounded to float once: in float lanes it needs compensated arithmetic to stay within
 * 1 ulp, which costs more), from exact IEEE operations only (see {@link DoublePoly} for why: the library's
 * lanewise EXP/SIN/… change their last bits once C2 compiles them). Within 1 float ulp of the
 * correctly rounded result (tanh and exp checked on every float once; FloatTranscendentalUlpTest checks a dense sample);
 * lanes beyond each {@code *_LIMIT} (NaN, ±∞, overflow and subnormal results, huge angles) take the
 * scalar definition. Each function is a whole loop over
 * arrays with its polynomial written out inside: no vector ever crosses a call, because C2 boxes
 * the vector arguments of a call it leaves out of line, and whether it inlines one depends on what
 * else the caller has inlined by then (a chain's backward pass ran 2–3× slower when exp was left
 * out of FloatLanes.map).
 */
final class FloatPoly {
    private FloatPoly() {
    }

    /** |x| up to which {@link #exp} and {@link #expm1} are valid: 2ⁿ and the result stay normal floats. */
    static final float EXP_LIMIT = 87f;

    private static final int L = FloatLanes.S.length();

    /** 1.5·2²³: adding it rounds to an integer held in the low mantissa bits. */
    private static final float MAGIC = 0x1.8p23f;
    private static final float LOG2E = 1.44269504f;
    // ln 2 split so that n·LN2_HI is exact for |n| < 2⁸.
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.428606765330187045e-06f;

    // eʳ = 1 + r + r²·(X2 + X3·r + … + X6·r⁴): minimax relative error 2⁻²⁷·⁴ (float coefficients)
    // on |r| ≤ 1.02·ln2/2, as accurate as Taylor to r⁷ with one fma less.
    private static final FloatVector X2 = v(0.4999999403953552f);
    private static final FloatVector X3 = v(0.16666509211063385f);
    private static final FloatVector X4 = v(0.04166848585009575f);
    private static final FloatVector X5 = v(0.008370106108486652f);
    private static final FloatVector X6 = v(0.0013813594123348594f);

    /**
     * {@code o[op + i] = exp(x[xp + i])}, {@code i < count} (a multiple of the vector length), for
     * |x| ≤ {@link #EXP_LIMIT}: 2ⁿ·eʳ with r = x − n·ln 2, |r| ≤ ln2/2, as 2ⁿ·q + 2ⁿ (one fma, the
     * same rounding as (1 + q)·2ⁿ since 2ⁿ is a normal power of two).
     */
    static void exp(float[] xs, int xp, float[] o, int op, int count) {
        for (int i = 0; i < count; i += L) {
            FloatVector x = FloatVector.fromArray(FloatLanes.S, xs, xp + i);
            // The range check first, while C2's node count for the loop is low.
            boolean inside = x.abs().compare(VectorOperators.LE, EXP_LIMIT).allTrue();
            FloatVector kd = x.fma(LOG2E, MAGIC);
            FloatVector n = kd.sub(MAGIC);
            FloatVector r = n.fma(n.broadcast(-LN2_LO), n.fma(n.broadcast(-LN2_HI), x));
            FloatVector u = r.fma(X6, X5).fma(r, X4).fma(r, X3).fma(r, X2);
            FloatVector q = r.mul(r).fma(u, r);
            // 2ⁿ: n sits in kd's low bits; move n + 127 into the exponent field.
            FloatVector scale = kd.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            scale.fma(q, scale).intoArray(o, op + i);
            if (!inside) {
                FloatLanes.patch(Math::exp, x.toArray(), o, op + i, EXP_LIMIT);
            }
        }
    }

    /**
     * e^{−|x|} in float lanes, the argument clamped to −{@link #EXP_LIMIT} (2ⁿ stays normal; beyond
     * it σ rounds to 1 for x &gt; 0 and callers patch x &lt; −EXP_LIMIT); NaN stays NaN. The one
     * polynomial here that a vector crosses a call for: its callers ({@link SigmoidMaps},
     * {@link SigmoidZips}) are loops compiled on their own, which inline it.
     */
    static FloatVector expOfMinusAbs(FloatVector v) {
        FloatVector x = v.abs().neg();
        // The clamp as compare and blend (NaN compares false and stays): Java's max, with its NaN
        // and −0 rules, is several instructions.
        x = x.blend(-EXP_LIMIT, x.compare(VectorOperators.LT, -EXP_LIMIT));
        FloatVector kd = x.fma(LOG2E, MAGIC);
        FloatVector n = kd.sub(MAGIC);
        FloatVector r = n.fma(n.broadcast(-LN2_LO), n.fma(n.broadcast(-LN2_HI), x));
        FloatVector u = r.fma(X6, X5).fma(r, X4).fma(r, X3).fma(r, X2);
        FloatVector q = r.mul(r).fma(u, r);
        FloatVector scale = kd.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return scale.fma(q, scale);
    }

    /** |x| up to which {@link #sinCos} reduces exactly: q·(short part of π/2) stays exact for q &lt; 2¹³. */
    static final float TRIG_LIMIT = 12000f;

    private static final float TWO_OVER_PI = 0.63661977f;
    // −π/2 = −(A + B + C + D + E): A..D have at most 11 significant bits, so q·A..q·D are exact for
    // q < 2¹³ and each subtraction is exact once its result is small; E is the float tail.
    private static final FloatVector NEG_PIO2_A = v(-0x1.92p0f);
    private static final FloatVector NEG_PIO2_B = v(-0x1.fb4p-12f);
    private static final FloatVector NEG_PIO2_C = v(-0x1.444p-24f);
    private static final FloatVector NEG_PIO2_D = v(-0x1.68cp-39f);
    private static final FloatVector NEG_PIO2_E = v(-0x1.1a6264p-54f);
    // FreeBSD's k_sinf/k_cosf minimax coefficients on [−π/4, π/4] (errors 2⁻³⁷·⁵ and 2⁻³⁴·¹).
    private static final FloatVector S1 = v(-0.16666666641626524f);
    private static final FloatVector S2 = v(0.008333329385889463f);
    private static final FloatVector S3 = v(-0.00019839334836096632f);
    private static final FloatVector S4 = v(2.718311493989822e-06f);
    private static final FloatVector C0 = v(-0.499999997251031f);
    private static final FloatVector C1 = v(0.04166662332373906f);
    private static final FloatVector C2 = v(-0.001388676377460993f);
    private static final FloatVector C3 = v(2.439044879627741e-05f);
    private static final FloatVector ONE = v(1f);
    /** Below this |x|, sin x rounds to x (and keeps the sign of −0). */
    private static final float SIN_TINY = 0x1p-12f;

    // Constants as typed vectors: fewer IR nodes than a broadcast per use, which keeps the whole
    // function under C2's inlining node cutoff (a call left out boxes every vector).
    private static FloatVector v(float c) {
        return FloatVector.broadcast(FloatLanes.S, c);
    }

    /**
     * {@code s[sp + i] = sin x}, {@code c[cp + i] = cos x} of {@code x[xp + i]}, {@code i < count} (a
     * multiple of the vector length), either output null when not wanted: x = q·π/2 + r + rl, then
     * the sin or cos polynomial picked by q (sin) or q + 1 (cos) mod 4, from one reduction and one
     * evaluation of both polynomials, so sin and cos together cost little more than one of them;
     * sin keeps tiny x (and −0) as x.
     */
    static void sinCos(float[] xs, int xp, float[] s, int sp, float[] c, int cp, int count) {
        for (int i = 0; i < count; i += L) {
            FloatVector x = FloatVector.fromArray(FloatLanes.S, xs, xp + i);
            boolean inside = x.abs().compare(VectorOperators.LE, TRIG_LIMIT).allTrue();
            FloatVector kd = x.fma(TWO_OVER_PI, MAGIC);
            FloatVector q = kd.sub(MAGIC);
            // x − q·A − q·B is exact (short parts, q < 2¹³); the rest, q·(C + D + E), goes into
            // r + rl: r rounds once, rl is what that lost (r2 − r is exact) minus q·(D + E). rl matters
            // where x is near a multiple of π/2 (tiny sin r) and where r rounds; cos r ≥ ½ needs no rl.
            FloatVector r2 = q.fma(NEG_PIO2_B, q.fma(NEG_PIO2_A, x));
            FloatVector r = q.fma(NEG_PIO2_C, r2);
            FloatVector rl = q.fma(NEG_PIO2_E, q.fma(NEG_PIO2_D, q.fma(NEG_PIO2_C, r2.sub(r))));
            FloatVector z = r.mul(r);
            FloatVector sin = r.mul(z).fma(z.fma(S4, S3).fma(z, S2).fma(z, S1), rl).add(r);
            FloatVector cos = z.fma(z.fma(C3, C2).fma(z, C1).fma(z, C0), ONE);
            // sin or cos by bit 0 of q (+ 1 for cos; kd = q + MAGIC), negated when bit 1 is set.
            IntVector qi = kd.reinterpretAsInts();
            if (s != null) {
                VectorMask<Float> odd = qi.and(1).compare(VectorOperators.NE, 0).cast(FloatLanes.S);
                IntVector sign = qi.and(2).lanewise(VectorOperators.LSHL, 30);
                FloatVector y = sin.blend(cos, odd).reinterpretAsInts().lanewise(VectorOperators.XOR, sign).reinterpretAsFloats();
                y.blend(x, x.abs().compare(VectorOperators.LT, SIN_TINY)).intoArray(s, sp + i);
                if (!inside) {
                    FloatLanes.patch(Math::sin, x.toArray(), s, sp + i, TRIG_LIMIT);
                }
            }
            if (c != null) {
                IntVector qc = qi.add(1);
                VectorMask<Float> odd = qc.and(1).compare(VectorOperators.NE, 0).cast(FloatLanes.S);
                IntVector sign = qc.and(2).lanewise(VectorOperators.LSHL, 30);
                sin.blend(cos, odd).reinterpretAsInts().lanewise(VectorOperators.XOR, sign).reinterpretAsFloats().intoArray(c, cp + i);
                if (!inside) {
                    FloatLanes.patch(Math::cos, x.toArray(), c, cp + i, TRIG_LIMIT);
                }
            }
        }
    }

    private static final VectorSpecies<Double> D = DoubleLanes.S;
    /** The floats that widen to one double vector. */
    private static final VectorSpecies<Float> HALF = FloatWideLanes.HALF;
    private static final int H = HALF.length();

    private static DoubleVector d(double c) {
        return DoubleVector.broadcast(D, c);
    }

    private static final DoubleVector ONE_D = d(1);

    // Taylor coefficients of (eʳ − 1 − r)/r², 1/2! … 1/9!: |r| ≤ ln2/2 leaves under 2⁻³⁰ out.
    private static final FloatVector E2 = v(1 / 2f);
    private static final FloatVector E3 = v(1 / 6f);
    private static final FloatVector E4 = v(1 / 24f);
    private static final FloatVector E5 = v(1 / 120f);
    private static final FloatVector E6 = v(1 / 720f);
    private static final FloatVector E7 = v(1 / 5040f);
    private static final FloatVector E8 = v(1 / 40320f);
    private static final FloatVector E9 = v(1 / 362880f);
    private static final FloatVector NEG_LN2_HI = v(-LN2_HI);
    private static final FloatVector NEG_LN2_LO = v(-LN2_LO);

    /**
     * eˣ − 1 for |x| ≤ {@link #EXP_LIMIT}: 2ⁿ·(eʳ − 1) + (2ⁿ − 1) with r + rl = x − n·ln 2 and
     * eʳ − 1 = ph + pl, the final sum compensated; x below −20 (result −1 in float) is clamped.
     */
    static void expm1(float[] xs, int xp, float[] o, int op, int count) {
        for (int i = 0; i < count; i += L) {
            FloatVector x = FloatVector.fromArray(FloatLanes.S, xs, xp + i);
            boolean inside = x.abs().compare(VectorOperators.LE, EXP_LIMIT).allTrue();
            FloatVector m = x.max(-20f);
            FloatVector kd = m.fma(LOG2E, MAGIC);
            FloatVector n = kd.sub(MAGIC);
            // t is exact, r rounds once, rl is what it lost (t − r is exact).
            FloatVector t = n.fma(NEG_LN2_HI, m);
            FloatVector r = n.fma(NEG_LN2_LO, t);
            FloatVector rl = n.fma(NEG_LN2_LO, t.sub(r));
            FloatVector r2 = r.mul(r);
            FloatVector r4 = r2.mul(r2);
            FloatVector u = r4.fma(r2.fma(r.fma(E9, E8), r.fma(E7, E6)), r2.fma(r.fma(E5, E4), r.fma(E3, E2)));
            // ph + pl = e^(r + rl) − 1 ≈ (r + r²·u) + rl·(1 + ph); r − ph is exact.
            FloatVector ph = r2.fma(u, r);
            FloatVector pl = r2.fma(u, r.sub(ph)).add(rl.fma(ph, rl));
            FloatVector scale = kd.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            // e + el = 2ⁿ·ph + (2ⁿ − 1) exactly (Fast2Sum: |2ⁿ − 1| ≥ |2ⁿ·ph| unless n = 0, where e = ph).
            FloatVector sm1 = scale.sub(ONE);
            FloatVector e = scale.fma(ph, sm1);
            FloatVector y = scale.fma(pl, scale.fma(ph, sm1.sub(e))).add(e);
            // Tiny |x|: eˣ − 1 rounds to x (the sum would lose −0's sign).
            y.blend(x, x.abs().compare(VectorOperators.LT, 0x1p-25f)).intoArray(o, op + i);
            if (!inside) {
                FloatLanes.patch(Math::expm1, x.toArray(), o, op + i, EXP_LIMIT);
            }
        }
    }

    // tanh x = x·P(z)/Q(z), z = x², minimax relative error 2⁻²⁸·⁹ on |x| ≤ 9.0111 (z ≤ 81.2).
    private static final DoubleVector TP0 = d(0.9999999981050721);
    private static final DoubleVector TP1 = d(0.1405745604245564);
    private static final DoubleVector TP2 = d(0.004370732163607142);
    private static final DoubleVector TP3 = d(4.08864577225031e-05);
    private static final DoubleVector TP4 = d(1.0360516309653616e-07);
    private static final DoubleVector TP5 = d(3.2365831312067694e-11);
    private static final DoubleVector TQ1 = d(0.473907883469308);
    private static final DoubleVector TQ2 = d(0.029006705123040467);
    private static final DoubleVector TQ3 = d(0.0004903171525948389);
    private static final DoubleVector TQ4 = d(2.47776676510127e-06);
    private static final DoubleVector TQ5 = d(2.680243136654374e-09);
    /** Beyond |x| = √81.2 ≈ 9.0111, 1 − tanh x &lt; 2⁻²⁵ and tanh rounds to ±1 in float. */
    private static final DoubleVector TANH_SAT_Z = d(81.2);

    /**
     * {@code o[op + i] = tanh(x[xp + i])}, {@code i < count}, in double lanes: one rational x·P(x²)/Q(x²)
     * (positive coefficients, so no cancellation), within 2⁻²⁸ of tanh, hence within 1 ulp once rounded
     * to float; ±1 beyond the saturation point (±∞ too: the rational may overflow there, the blend
     * discards it), NaN stays NaN, x·(P/Q ≈ 1) keeps tiny x and −0.
     */
    static void tanh(float[] xs, int xp, float[] o, int op, int count) {
        for (int i = 0; i < count; i += H) {
            DoubleVector x = (DoubleVector) FloatVector.fromArray(HALF, xs, xp + i).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector z = x.mul(x);
            DoubleVector p = z.fma(TP5, TP4).fma(z, TP3).fma(z, TP2).fma(z, TP1).fma(z, TP0);
            DoubleVector q = z.fma(TQ5, TQ4).fma(z, TQ3).fma(z, TQ2).fma(z, TQ1).fma(z, ONE_D);
            DoubleVector y = x.mul(p).div(q);
            VectorMask<Double> saturated = z.compare(VectorOperators.GT, TANH_SAT_Z);
            if (saturated.anyTrue()) {
                y = y.blend(x.reinterpretAsLongs().and(Long.MIN_VALUE).or(ONE_D.reinterpretAsLongs()).reinterpretAsDoubles(), saturated);
            }
            ((FloatVector) y.convertShape(VectorOperators.D2F, HALF, 0)).intoArray(o, op + i);
        }
    }
}
