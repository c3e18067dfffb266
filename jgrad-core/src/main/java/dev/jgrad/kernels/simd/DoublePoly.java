package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * float64 exp, expm1, sin, cos and tanh as polynomials in double lanes, built only from operations
 * that are exact IEEE operations in the interpreter and in compiled code alike (+, −, ·, fma, /,
 * comparisons, blends, bit operations on the integer view), so a result never depends on whether
 * the JIT has compiled the loop yet. The library's lanewise EXP/SIN/… are not: C2 swaps in an
 * SVML-like stub whose last bits differ from the Java fallback the interpreter runs.
 * Each function is valid on the range its {@code *_LIMIT} states; callers send vectors with a lane
 * outside it (NaN, ±∞, huge or subnormal-result arguments) to the scalar definition instead.
 * Accuracy (measured against Math.*): within 1 ulp for exp, expm1, sin, cos; 2 ulp for tanh.
 */
final class DoublePoly {
    private static final int L = DoubleLanes.S.length();

    private DoublePoly() {
    }

    /** |x| up to which {@link #exp} and {@link #expm1} are valid: 2ⁿ stays a normal double. */
    static final double EXP_LIMIT = 708;
    /** |x| up to which the three-part π/2 reduction of {@link #sin}/{@link #cos} is exact enough (q &lt; 2¹⁷). */
    static final double TRIG_LIMIT = 1e5;

    /** 1.5·2⁵²: adding it rounds to an integer held in the low mantissa bits. */
    private static final double MAGIC = 0x1.8p52;
    private static final double LOG2E = 1.4426950408889634;
    // ln 2 split so that n·LN2_HI is exact for |n| < 2¹¹ (fdlibm's split).
    private static final double LN2_HI = 0x1.62e42fee00000p-1;
    private static final double LN2_LO = 0x1.a39ef35793c76p-33;
    private static final double TWO_OVER_PI = 0x1.45f306dc9c883p-1;
    // π/2 in three parts (fdlibm): the first two have 33 bits, so q·part is exact for q < 2²⁰.
    private static final double PIO2_1 = 0x1.921fb544p0;
    private static final double PIO2_2 = 0x1.0b4611a6p-34;
    private static final double PIO2_3 = 0x1.3198a2e037073p-69;
    /** Below this |x|, sin x rounds to x (and the reduction would lose the sign of −0). */
    private static final double SIN_TINY = 0x1p-27;

    /** True when every lane satisfies |x| ≤ limit (NaN fails). */
    static boolean within(DoubleVector x, double limit) {
        return x.abs().compare(VectorOperators.LE, limit).allTrue();
    }

    /** eˣ for |x| ≤ {@link #EXP_LIMIT}: eʳ·2ⁿ with r = x − n·ln 2, |r| ≤ ln2/2, Taylor to r¹³. */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector kd = x.fma(LOG2E, MAGIC);
        DoubleVector n = kd.sub(MAGIC);
        DoubleVector r = reduceLn2(x, n);
        DoubleVector p = r.mul(r).fma(taylorFromHalf(r), r).add(1);
        return p.mul(twoToThe(kd));
    }

    /** eˣ − 1 for |x| ≤ {@link #EXP_LIMIT}: 2ⁿ·expm1(r) + (2ⁿ − 1), no cancellation near 0 (n = 0). */
    static DoubleVector expm1(DoubleVector x) {
        DoubleVector kd = x.fma(LOG2E, MAGIC);
        DoubleVector n = kd.sub(MAGIC);
        DoubleVector r = reduceLn2(x, n);
        DoubleVector p = r.mul(r).fma(taylorFromHalf(r), r);
        DoubleVector scale = twoToThe(kd);
        return scale.fma(p, scale.sub(1));
    }

    /**
     * tanh x = sign(x)·(−e)/(2 + e) with e = expm1(−2|x|) ∈ [−1, 0] (fdlibm's formula for |x| &lt; 1):
     * no overflow, no cancellation near 0. e's last rounding and the quotient's are compensated
     * (double-double steps), which keeps the result within 2 ulp of Math.tanh.
     */
    static void tanh(double[] x, int xp, double[] o, int op, int n) {
        // Scratch, not o: o may be x itself.
        double[] e = new double[Math.min(n, BLOCK)];
        double[] el = new double[e.length];
        for (int b = 0; b < n; b += BLOCK) {
            int m = Math.min(BLOCK, n - b);
            expm1OfMinusTwiceAbs(x, xp + b, e, el, m);
            tanhFromExpm1(x, xp + b, o, op + b, e, el, m);
        }
    }

    /** Rows are done in blocks, two loops each: one loop doing all of tanh hit C2's node-count cutoff and boxed its vectors. */
    private static final int BLOCK = 512;

    /** e + el = expm1(−2|x|) (clamped at −40, where it is −1), el the last rounding's error. */
    private static void expm1OfMinusTwiceAbs(double[] x, int xp, double[] eOut, double[] elOut, int m) {
        for (int i = 0; i < m; i += L) {
            DoubleVector v = DoubleVector.fromArray(DoubleLanes.S, x, xp + i).abs().mul(-2).max(-40);
            DoubleVector kd = v.fma(LOG2E, MAGIC);
            DoubleVector r = reduceLn2(v, kd.sub(MAGIC));
            DoubleVector p = r.mul(r).fma(taylorFromHalf(r), r);
            DoubleVector scale = twoToThe(kd);
            DoubleVector sm1 = scale.sub(1);
            DoubleVector e = scale.fma(p, sm1);
            // sm1 − e is exact: both lie within a factor 2.
            scale.fma(p, sm1.sub(e)).intoArray(elOut, i);
            e.intoArray(eOut, i);
        }
    }

    /** o = sign(x)·|(e + el)/(2 + e + el)|. */
    private static void tanhFromExpm1(double[] x, int xp, double[] o, int op, double[] eIn, double[] elIn, int m) {
        for (int i = 0; i < m; i += L) {
            DoubleVector t = quotient(DoubleVector.fromArray(DoubleLanes.S, eIn, i), DoubleVector.fromArray(DoubleLanes.S, elIn, i));
            withSignOf(t, DoubleVector.fromArray(DoubleLanes.S, x, xp + i)).intoArray(o, op + i);
        }
    }

    /** |(e + el)/(2 + e + el)| for e ∈ [−1, 0]: the quotient plus its exact remainder's correction. */
    private static DoubleVector quotient(DoubleVector e, DoubleVector el) {
        DoubleVector d = e.add(2);
        DoubleVector dl = d.neg().add(2).add(e).add(el);
        DoubleVector t = e.div(d);
        DoubleVector rem = t.neg().fma(d, e);
        return rem.add(el).sub(t.mul(dl)).div(d).add(t).abs();
    }

    /** sin x for |x| ≤ {@link #TRIG_LIMIT}. */
    static DoubleVector sin(DoubleVector x) {
        DoubleVector s = quadrant(x, 0);
        return s.blend(x, x.abs().compare(VectorOperators.LT, SIN_TINY));
    }

    /** cos x for |x| ≤ {@link #TRIG_LIMIT}: sin of the next quadrant. */
    static DoubleVector cos(DoubleVector x) {
        return quadrant(x, 1);
    }

    /**
     * sin(x + shift·π/2): x = q·π/2 + r with r = hi + lo carried in two doubles (Cody–Waite with three
     * parts of π/2), then the sin or cos polynomial of r (fdlibm's minimax coefficients on [−π/4, π/4])
     * picked by q + shift mod 4.
     */
    private static DoubleVector quadrant(DoubleVector x, long shift) {
        DoubleVector qd = x.fma(TWO_OVER_PI, MAGIC);
        DoubleVector q = qd.sub(MAGIC);
        // x − q·PIO2_1 is exact (q·PIO2_1 is, and it is within a factor 2 of x); so is q·PIO2_2.
        DoubleVector r1 = fms(q, PIO2_1, x);
        DoubleVector w = q.mul(PIO2_2);
        DoubleVector hi = r1.sub(w);
        DoubleVector lo = r1.sub(hi).sub(w);
        lo = fms(q, PIO2_3, lo);
        DoubleVector rh = hi.add(lo);
        DoubleVector rl = hi.sub(rh).add(lo);
        DoubleVector z = rh.mul(rh);
        DoubleVector sin = sinPoly(rh, rl, z);
        DoubleVector cos = cosPoly(rh, rl, z);
        LongVector qi = qd.reinterpretAsLongs().add(shift);
        VectorMask<Double> odd = qi.and(1L).compare(VectorOperators.NE, 0L).cast(DoubleLanes.S);
        DoubleVector v = sin.blend(cos, odd);
        // Quadrants 2 and 3 negate: flip the sign bit by bit 1 of q.
        LongVector sign = qi.and(2L).lanewise(VectorOperators.LSHL, 62);
        return v.reinterpretAsLongs().lanewise(VectorOperators.XOR, sign).reinterpretAsDoubles();
    }

    private static final double S1 = -0x1.5555555555549p-3;
    private static final double S2 = 0x1.111111110f8a6p-7;
    private static final double S3 = -0x1.a01a019c161d5p-13;
    private static final double S4 = 0x1.71de357b1fe7dp-19;
    private static final double S5 = -0x1.ae5e68a2b9cebp-26;
    private static final double S6 = 0x1.5d93a5acfd57cp-33;
    private static final double C1 = 0x1.555555555554cp-5;
    private static final double C2 = -0x1.6c16c16c15177p-10;
    private static final double C3 = 0x1.a01a019cb159p-16;
    private static final double C4 = -0x1.27e4f809c52adp-22;
    private static final double C5 = 0x1.1ee9ebdb4b1c4p-29;
    private static final double C6 = -0x1.8fae9be8838d4p-37;

    /** sin(rh + rl) ≈ rh + (rh·z·S(z) + rl·(1 − z/2)), z = rh². */
    private static DoubleVector sinPoly(DoubleVector rh, DoubleVector rl, DoubleVector z) {
        DoubleVector s = z.fma(S6, S5)
                .fma(z, z.broadcast(S4)).fma(z, z.broadcast(S3)).fma(z, z.broadcast(S2)).fma(z, z.broadcast(S1));
        DoubleVector tail = z.mul(-0.5).fma(rl, rl);
        return rh.mul(z).fma(s, tail).add(rh);
    }

    /** cos(rh + rl) ≈ 1 − z/2 + z²·C(z) − rh·rl, with 1 − z/2 compensated (fdlibm's trick) and z's rounding error kept. */
    private static DoubleVector cosPoly(DoubleVector rh, DoubleVector rl, DoubleVector z) {
        DoubleVector c = z.fma(C6, C5)
                .fma(z, z.broadcast(C4)).fma(z, z.broadcast(C3)).fma(z, z.broadcast(C2)).fma(z, z.broadcast(C1));
        DoubleVector zLo = rh.fma(rh, z.neg());
        DoubleVector hz = z.mul(0.5);
        DoubleVector w = hz.neg().add(1);
        DoubleVector corr = w.neg().add(1).sub(hz).sub(zLo.mul(0.5));
        corr = z.mul(z).fma(c, rh.mul(rl).neg()).add(corr);
        return w.add(corr);
    }

    /** r = x − n·ln 2 in two fma steps. */
    private static DoubleVector reduceLn2(DoubleVector x, DoubleVector n) {
        return fms(n, LN2_LO, fms(n, LN2_HI, x));
    }

    /** (eʳ − 1 − r)/r² to r¹³: 1/2 + r/6 + … (Taylor; |r| ≤ ln2/2 makes the rest below 2⁻⁵⁷). */
    private static DoubleVector taylorFromHalf(DoubleVector r) {
        return r.fma(1 / 6227020800.0, 1 / 479001600.0).fma(r, r.broadcast(1 / 39916800.0))
                .fma(r, r.broadcast(1 / 3628800.0)).fma(r, r.broadcast(1 / 362880.0))
                .fma(r, r.broadcast(1 / 40320.0)).fma(r, r.broadcast(1 / 5040.0)).fma(r, r.broadcast(1 / 720.0))
                .fma(r, r.broadcast(1 / 120.0)).fma(r, r.broadcast(1 / 24.0)).fma(r, r.broadcast(1 / 6.0))
                .fma(r, r.broadcast(0.5));
    }

    /** 2ⁿ from kd = n + MAGIC: n sits in kd's low bits; move n + 1023 into the exponent field. */
    private static DoubleVector twoToThe(DoubleVector kd) {
        return kd.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    }


    /** x − q·c, one rounding. */
    private static DoubleVector fms(DoubleVector q, double c, DoubleVector x) {
        return q.fma(q.broadcast(-c), x);
    }

    /** |t| carrying x's sign bit (−0 included). */
    static DoubleVector withSignOf(DoubleVector t, DoubleVector x) {
        LongVector sign = x.reinterpretAsLongs().and(Long.MIN_VALUE);
        return t.reinterpretAsLongs().or(sign).reinterpretAsDoubles();
    }
}
