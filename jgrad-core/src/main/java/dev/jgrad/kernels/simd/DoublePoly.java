package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * float64 exp, sin, cos, tan and tanh over a row, as polynomials in double lanes built only from
 * operations that are exact IEEE operations in the interpreter and in compiled code alike (+, −,
 * ·, fma, /, comparisons, blends, bit operations on the integer view), so a result never depends
 * on whether the JIT has compiled the loop yet. The library's lanewise EXP/SIN/… are not: C2 swaps
 * in an SVML-like stub whose last bits differ from the Java fallback the interpreter runs.
 * Lanes beyond a polynomial's range ({@code *_LIMIT}; NaN, ±∞) get the scalar definition.
 * Accuracy, measured on 10M arguments against Math.*: within 1 ulp.
 * Each loop body is written out whole: a helper call C2 declines to inline (size, node count)
 * boxes every vector that crosses it, which cost 2–5× here.
 */
final class DoublePoly {
    private static final int L = DoubleLanes.S.length();

    private DoublePoly() {
    }

    /** |x| up to which {@link #exp} is valid: 2ⁿ stays a normal double. */
    static final double EXP_LIMIT = 708;
    /** |x| up to which the three-part π/2 reduction of {@link #sinCos} is exact enough (q &lt; 2¹⁷). */
    static final double TRIG_LIMIT = 1e5;

    /** 1.5·2⁵²: adding it rounds to an integer held in the low mantissa bits. */
    static final double MAGIC = 0x1.8p52;
    private static final double LOG2E = 1.4426950408889634;
    // ln 2 split so that n·LN2_HI is exact for |n| < 2¹¹ (fdlibm's split).
    private static final double LN2_HI = 0x1.62e42fee00000p-1;
    private static final double LN2_LO = 0x1.a39ef35793c76p-33;
    static final double TWO_OVER_PI = 0x1.45f306dc9c883p-1;
    // π/2 in three parts (fdlibm): the first two have 33 bits, so q·part is exact for q < 2²⁰.
    static final double PIO2_1 = 0x1.921fb544p0;
    static final double PIO2_2 = 0x1.0b4611a6p-34;
    static final double PIO2_3 = 0x1.3198a2e037073p-69;

    /** o[op + i] = eˣ for i &lt; n (a multiple of the vector length): eʳ·2ⁿ, r = x − n·ln 2, a degree-11 minimax polynomial (Estrin). */
    static void exp(double[] x, int xp, double[] o, int op, int n) {
        for (int i = 0; i < n; i += L) {
            DoubleVector v = DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            boolean inside = v.abs().compare(VectorOperators.LE, EXP_LIMIT).allTrue();
            exp(v).intoArray(o, op + i);
            if (!inside) patch(0, v.toArray(), o, op + i, EXP_LIMIT);
        }
    }

    /** eˣ for |x| ≤ {@link #EXP_LIMIT} (NaN stays NaN); small enough for C2 to inline into a loop. */
    static DoubleVector exp(DoubleVector v) {
        DoubleVector kd = v.fma(LOG2E, MAGIC);
        DoubleVector k = kd.sub(MAGIC);
        DoubleVector r = k.fma(NEG_LN2_LO, k.fma(NEG_LN2_HI, v));
        DoubleVector r2 = r.mul(r);
        // u = (eʳ − 1 − r)/r², degree 9 in Estrin's form (depth 4); written out in every loop that
        // needs it (a helper taking vectors may be left out of line and box them).
        DoubleVector r4 = r2.mul(r2);
        DoubleVector u = r4.fma(r4.fma(r.fma(E9, E8), r2.fma(r.fma(E7, E6), r.fma(E5, E4))), r2.fma(r.fma(E3, E2), r.fma(E1, E0)));
        // 2ⁿ: n sits in kd's low bits; move n + 1023 into the exponent field.
        DoubleVector scale = kd.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        // 2ⁿ + 2ⁿ·(r + r²·u): one rounding of the sum.
        return r2.fma(u, r).fma(scale, scale);
    }

    /**
     * o[op + i] = eˣ − 1 for i &lt; n: 2ⁿ·(eʳ − 1) + (2ⁿ − 1) as in {@link #exp}, with eʳ − 1 = ph + pl
     * and the final sum compensated; x below −40 (where the result rounds to −1) is clamped.
     */
    static void expm1(double[] x, int xp, double[] o, int op, int n) {
        for (int i = 0; i < n; i += L) {
            DoubleVector xv = DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            boolean inside = xv.abs().compare(VectorOperators.LE, EXP_LIMIT).allTrue();
            // Compare and blend, not max (NaN compares false and stays; Java's max is several instructions).
            DoubleVector v = xv.blend(-40, xv.compare(VectorOperators.LT, -40));
            DoubleVector kd = v.fma(LOG2E, MAGIC);
            DoubleVector k = kd.sub(MAGIC);
            // r + rl = x − n·ln 2: t is exact, r rounds once, rl is what it lost (t − r is exact).
            DoubleVector t = k.fma(NEG_LN2_HI, v);
            DoubleVector r = k.fma(NEG_LN2_LO, t);
            DoubleVector rl = k.fma(NEG_LN2_LO, t.sub(r));
            DoubleVector r2 = r.mul(r);
            DoubleVector r4 = r2.mul(r2);
            DoubleVector u = r4.fma(r4.fma(r.fma(E9, E8), r2.fma(r.fma(E7, E6), r.fma(E5, E4))), r2.fma(r.fma(E3, E2), r.fma(E1, E0)));
            // ph + pl = e^(r + rl) − 1 ≈ (r + r²·u) + rl·(1 + ph): r − ph is exact (|r²·u| ≤ |r|/5),
            // the fma recovers the rest.
            DoubleVector ph = r2.fma(u, r);
            DoubleVector pl = r2.fma(u, r.sub(ph)).add(rl.fma(ph, rl));
            DoubleVector scale = kd.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            // e + el = 2ⁿ·ph + (2ⁿ − 1) exactly (Fast2Sum: |2ⁿ − 1| ≥ |2ⁿ·ph| unless n = 0, where e = ph).
            DoubleVector sm1 = scale.sub(ONE);
            DoubleVector e = scale.fma(ph, sm1);
            DoubleVector y = scale.fma(pl, scale.fma(ph, sm1.sub(e))).add(e);
            // Tiny |x|: eˣ − 1 rounds to x (the sum would lose −0's sign).
            y.blend(xv, xv.abs().compare(VectorOperators.LT, EXPM1_TINY)).intoArray(o, op + i);
            if (!inside) patch(3, xv.toArray(), o, op + i, EXP_LIMIT);
        }
    }

    /** Below this |x|, eˣ − 1 rounds to x. */
    private static final double EXPM1_TINY = 0x1p-54;

    /**
     * s[sp + i] = sin x, c[cp + i] = cos x of x[xp + i] for i &lt; n (a multiple of the vector length),
     * either output null when not wanted. Computed on |x| (sin's sign put back at the end, which also
     * keeps −0): |x| = q·π/2 + (rh + rl) (Cody–Waite, three parts of π/2, r carried in two doubles),
     * then fdlibm's sin and cos polynomials on [−π/4, π/4], picked by q (sin) or q + 1 (cos) mod 4:
     * both come from one reduction and one evaluation of the two polynomials.
     */
    static void sinCos(double[] x, int xp, double[] so, int sp, double[] co, int cp, int n) {
        for (int i = 0; i < n; i += L) {
            DoubleVector v = DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            DoubleVector a = v.abs();
            boolean inside = a.compare(VectorOperators.LE, TRIG_LIMIT).allTrue();
            DoubleVector qd = a.fma(TWO_OVER_PI, MAGIC);
            DoubleVector q = qd.sub(MAGIC);
            // a − q·PIO2_1 is exact (q·PIO2_1 is, and it is within a factor 2 of a); so is q·PIO2_2.
            // rh is left unnormalised (|rl| may reach an ulp of rh): the polynomial starts 3 steps sooner.
            DoubleVector r1 = q.fma(NEG_PIO2_1, a);
            DoubleVector w = q.mul(PIO2_2);
            DoubleVector rh = r1.sub(w);
            // nrl = −rl, and sin's coefficients are stored negated: no negation is computed below.
            DoubleVector nrl = q.fma(PIO2_3V, w.sub(r1.sub(rh)));
            DoubleVector z = rh.mul(rh);
            DoubleVector z2 = z.mul(z);
            // Both polynomials in Estrin's form (z, z², z⁴): short dependency chains.
            DoubleVector z4 = z2.mul(z2);
            DoubleVector ns = z4.fma(z.fma(NS6, NS5), z2.fma(z.fma(NS4, NS3), z.fma(NS2, NS1)));
            DoubleVector c = z4.fma(z.fma(C6, C5), z2.fma(z.fma(C4, C3), z.fma(C2, C1)));
            // cw = 1 − rh²/2 rounded once; sin(rh + rl) ≈ rh − (rh·z·(−S(z)) − rl·cw).
            DoubleVector nhrh = rh.mul(NEG_HALF);
            DoubleVector cw = rh.fma(nhrh, ONE);
            DoubleVector sin = rh.sub(rh.mul(z).fma(ns, nrl.mul(cw)));
            // cos(rh + rl) ≈ cw + ((1 − rh²/2 − cw) + z²·C(z) − rh·rl): the bracket's first term is
            // cw's rounding error (1 − cw is exact; the fma takes rh² whole).
            DoubleVector cos = cw.add(z2.fma(c, rh.fma(nrl, rh.fma(nhrh, ONE.sub(cw)))));
            LongVector qi = qd.reinterpretAsLongs();
            // Quadrants 2 and 3 negate: flip the sign bit by bit 1 of q (and sin by x's sign).
            if (so != null) {
                VectorMask<Double> odd = qi.lanewise(VectorOperators.LSHL, 63).compare(VectorOperators.LT, 0L).cast(DoubleLanes.S);
                LongVector sign = qi.lanewise(VectorOperators.LSHL, 62).lanewise(VectorOperators.XOR, v.reinterpretAsLongs()).and(Long.MIN_VALUE);
                sin.blend(cos, odd).reinterpretAsLongs().lanewise(VectorOperators.XOR, sign).reinterpretAsDoubles().intoArray(so, sp + i);
                if (!inside) patch(1, v.toArray(), so, sp + i, TRIG_LIMIT);
            }
            if (co != null) {
                LongVector qc = qi.add(1);
                VectorMask<Double> odd = qc.lanewise(VectorOperators.LSHL, 63).compare(VectorOperators.LT, 0L).cast(DoubleLanes.S);
                LongVector sign = qc.lanewise(VectorOperators.LSHL, 62).and(Long.MIN_VALUE);
                sin.blend(cos, odd).reinterpretAsLongs().lanewise(VectorOperators.XOR, sign).reinterpretAsDoubles().intoArray(co, cp + i);
                if (!inside) patch(2, v.toArray(), co, cp + i, TRIG_LIMIT);
            }
        }
    }

    /**
     * o[op + i] = tan x of x[xp + i] for i &lt; n (a multiple of the vector length): |x| reduced as in
     * {@link #sinCos} to q·π/2 + r (r = rh + rl), then fdlibm's kernel_tan on r: its odd polynomial
     * where |r| &lt; 0.6744, else the same polynomial at π/4 − |r| (tail carried) and the identity
     * tan(π/4 − d) = 1 − 2·tan d/(1 + tan d); for odd q −1/tan r, the division compensated (the
     * quotient's leading half and its remainder). One division per lane serves both cases. x's sign
     * is put back at the end (tan is odd, and −0 stays −0).
     */
    static void tan(double[] x, int xp, double[] o, int op, int n) {
        for (int i = 0; i < n; i += L) {
            DoubleVector v = DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            DoubleVector a = v.abs();
            boolean inside = a.compare(VectorOperators.LE, TRIG_LIMIT).allTrue();
            DoubleVector qd = a.fma(TWO_OVER_PI, MAGIC);
            DoubleVector q = qd.sub(MAGIC);
            DoubleVector r1 = q.fma(NEG_PIO2_1, a);
            DoubleVector w = q.mul(PIO2_2);
            DoubleVector rh = r1.sub(w);
            DoubleVector nrl = q.fma(PIO2_3V, w.sub(r1.sub(rh)));
            // Near ±π/4: t = (π/4 − |rh|) + (π/4's tail − sign(rh)·rl), tail 0 (fdlibm's order of sums).
            LongVector rsign = rh.reinterpretAsLongs().and(Long.MIN_VALUE);
            VectorMask<Double> big = rh.abs().compare(VectorOperators.GE, TAN_BIG);
            DoubleVector snrl = nrl.reinterpretAsLongs().lanewise(VectorOperators.XOR, rsign).reinterpretAsDoubles();
            DoubleVector t = rh.blend(PIO4.sub(rh.abs()).add(PIO4_LO.add(snrl)), big);
            DoubleVector tl = nrl.neg().blend(ZERO, big);
            // tan(t + tl) ≈ t + p, p = tl + z·(s·(R + V) + tl) + T0·s with z = t², s = z·t; R and V the
            // polynomial's terms split by parity of the power of z⁴ (fdlibm's two interleaved chains).
            DoubleVector z = t.mul(t);
            DoubleVector w2 = z.mul(z);
            DoubleVector pr = w2.fma(w2.fma(w2.fma(w2.fma(w2.fma(T11, T9), T7), T5), T3), T1);
            DoubleVector pv = z.mul(w2.fma(w2.fma(w2.fma(w2.fma(w2.fma(T12, T10), T8), T6), T4), T2));
            DoubleVector s = z.mul(t);
            DoubleVector p = s.fma(T0, z.fma(s.fma(pr.add(pv), tl), tl));
            DoubleVector y = t.add(p);
            LongVector qi = qd.reinterpretAsLongs();
            VectorMask<Double> odd = qi.lanewise(VectorOperators.LSHL, 63).compare(VectorOperators.LT, 0L).cast(DoubleLanes.S);
            DoubleVector iy = ONE.blend(NEG_ONE, odd);
            // One division: y²/(y + iy) near ±π/4, −1/y elsewhere (only odd q uses it there).
            DoubleVector quot = y.mul(y).blend(NEG_ONE, big.not()).div(y.add(iy).blend(y, big.not()));
            DoubleVector near = iy.sub(TWO.mul(t.sub(quot.sub(p))))
                    .reinterpretAsLongs().lanewise(VectorOperators.XOR, rsign).reinterpretAsDoubles();
            // −1/(t + p) from the quotient's leading 21 bits th and the remainder: y's leading part
            // yh, with yh + (p − (yh − t)) = t + p; 1 + th·yh is exact.
            DoubleVector yh = y.reinterpretAsLongs().and(HIGH_WORD).reinterpretAsDoubles();
            DoubleVector th = quot.reinterpretAsLongs().and(HIGH_WORD).reinterpretAsDoubles();
            DoubleVector inv = quot.fma(th.fma(p.sub(yh.sub(t)), th.fma(yh, ONE)), th);
            DoubleVector r = y.blend(inv, odd).blend(near, big);
            r.reinterpretAsLongs().lanewise(VectorOperators.XOR, v.reinterpretAsLongs().and(Long.MIN_VALUE))
                    .reinterpretAsDoubles().intoArray(o, op + i);
            if (!inside) patch(4, v.toArray(), o, op + i, TRIG_LIMIT);
        }
    }

    /**
     * The scalar definition (0 exp, 1 sin, 2 cos, 3 expm1, 4 tan) for the lanes of one vector with |x| beyond limit
     * (or NaN); x holds the vector's arguments (o may be the input array, already overwritten).
     */
    private static void patch(int fn, double[] x, double[] o, int op, double limit) {
        for (int j = 0; j < L; j++) {
            double v = x[j];
            if (!(Math.abs(v) <= limit)) o[op + j] = switch (fn) {
                case 0 -> Math.exp(v);
                case 1 -> Math.sin(v);
                case 2 -> Math.cos(v);
                case 4 -> Math.tan(v);
                default -> Math.expm1(v);
            };
        }
    }

    /**
     * o[op + i] = tanh x for i &lt; n: sign(x)·|e/(2 + e)| with e = expm1(−2|x|) ∈ [−1, 0] (fdlibm's
     * formula): no overflow, no cancellation near 0. e carries its last rounding error and the
     * quotient is compensated (double-double steps, one division).
     */
    static void tanh(double[] x, int xp, double[] o, int op, int n) {
        for (int i = 0; i < n; i += L) {
            DoubleVector xv = DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            // Beyond |x| = 20, tanh rounds to ±1; the clamp keeps 2ⁿ normal (NaN passes through: it
            // compares false; a compare and blend, cheaper than Java's min with its NaN and −0 rules).
            // k = round(−2|x|·log₂e) straight from |x| (the same value: −2 scales exactly), so −2|x|
            // is computed beside it rather than before it.
            DoubleVector a = xv.abs();
            a = a.blend(20, a.compare(VectorOperators.GT, 20));
            DoubleVector kd = a.fma(NEG_TWO_LOG2E, MAGIC);
            DoubleVector k = kd.sub(MAGIC);
            DoubleVector r = k.fma(NEG_LN2_LO, k.fma(NEG_LN2_HI, a.mul(-2)));
            DoubleVector r2 = r.mul(r);
            DoubleVector r4 = r2.mul(r2);
            DoubleVector u = r4.fma(r4.fma(r.fma(E9, E8), r2.fma(r.fma(E7, E6), r.fma(E5, E4))), r2.fma(r.fma(E3, E2), r.fma(E1, E0)));
            DoubleVector p = r2.fma(u, r);
            // e + el = 2ⁿ·expm1(r) + (2ⁿ − 1) exactly: sm1 − e is exact (both lie within a factor 2).
            DoubleVector scale = kd.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector sm1 = scale.sub(ONE);
            DoubleVector e = scale.fma(p, sm1);
            DoubleVector el = scale.fma(p, sm1.sub(e));
            // d + dl = 2 + e + el (2 − d + e is exact).
            DoubleVector d = e.add(TWO);
            DoubleVector dl = TWO.sub(d).add(e).add(el);
            // One division: t = −e·(1/d) may be an ulp or two off |e/d|; the correction, the remainder
            // (e + el) + t·(d + dl) (e + t·d exact by fma) times −1/d, brings it within half an ulp.
            // Its two parts are summed first: one fma less on the path after the division.
            DoubleVector ninv = NEG_ONE.div(d);
            DoubleVector t = e.mul(ninv);
            DoubleVector y = t.fma(d, e).add(t.fma(dl, el)).fma(ninv, t).abs();
            y.reinterpretAsLongs().or(xv.reinterpretAsLongs().and(Long.MIN_VALUE)).reinterpretAsDoubles().intoArray(o, op + i);
        }
    }

    // fdlibm's minimax coefficients for sin and cos on [−π/4, π/4].
    // (sin's negated: see sinCos.)
    private static final DoubleVector NS1 = v(0x1.5555555555549p-3);
    private static final DoubleVector NS2 = v(-0x1.111111110f8a6p-7);
    private static final DoubleVector NS3 = v(0x1.a01a019c161d5p-13);
    private static final DoubleVector NS4 = v(-0x1.71de357b1fe7dp-19);
    private static final DoubleVector NS5 = v(0x1.ae5e68a2b9cebp-26);
    private static final DoubleVector NS6 = v(-0x1.5d93a5acfd57cp-33);
    private static final DoubleVector C1 = v(0x1.555555555554cp-5);
    private static final DoubleVector C2 = v(-0x1.6c16c16c15177p-10);
    private static final DoubleVector C3 = v(0x1.a01a019cb159p-16);
    private static final DoubleVector C4 = v(-0x1.27e4f809c52adp-22);
    private static final DoubleVector C5 = v(0x1.1ee9ebdb4b1c4p-29);
    private static final DoubleVector C6 = v(-0x1.8fae9be8838d4p-37);

    // fdlibm's kernel_tan: tan r = r + T0·r³ + T1·r⁵ + … + T12·r²⁷ on |r| ≤ 0.6744, the bound
    // (high word 0x3FE59428) beyond which it evaluates at π/4 − |r| instead; π/4 in two parts.
    private static final DoubleVector T0 = v(3.33333333333334091986e-01);
    private static final DoubleVector T1 = v(1.33333333333201242699e-01);
    private static final DoubleVector T2 = v(5.39682539762260521377e-02);
    private static final DoubleVector T3 = v(2.18694882948595424599e-02);
    private static final DoubleVector T4 = v(8.86323982359930005737e-03);
    private static final DoubleVector T5 = v(3.59207910759131235356e-03);
    private static final DoubleVector T6 = v(1.45620945432529025516e-03);
    private static final DoubleVector T7 = v(5.88041240820264096874e-04);
    private static final DoubleVector T8 = v(2.46463134818469906812e-04);
    private static final DoubleVector T9 = v(7.81794442939557092300e-05);
    private static final DoubleVector T10 = v(7.14072491382608190305e-05);
    private static final DoubleVector T11 = v(-1.85586374855275456654e-05);
    private static final DoubleVector T12 = v(2.59073051863633712884e-05);
    private static final double TAN_BIG = Double.longBitsToDouble(0x3FE5942800000000L);
    private static final DoubleVector PIO4 = v(7.85398163397448278999e-01);
    private static final DoubleVector PIO4_LO = v(3.06161699786838301793e-17);
    private static final long HIGH_WORD = 0xFFFFFFFF00000000L;
    private static final DoubleVector ZERO = v(0);

    // Minimax fit (Remez exchange in 60-digit arithmetic) of (eʳ − 1 − r)/r² on |r| ≤ ln2/2, weighted
    // by r²e⁻ʳ: with these rounded coefficients the error of eʳ − 1 it leaves is under 2⁻⁵⁶·eʳ.
    private static final DoubleVector E0 = v(0x1.0000000000009p-1);
    private static final DoubleVector E1 = v(0x1.555555555555cp-3);
    private static final DoubleVector E2 = v(0x1.5555555550405p-5);
    private static final DoubleVector E3 = v(0x1.111111110e691p-7);
    private static final DoubleVector E4 = v(0x1.6c16c185f93b0p-10);
    private static final DoubleVector E5 = v(0x1.a01a01b6da3f3p-13);
    private static final DoubleVector E6 = v(0x1.a01993cdfba06p-16);
    private static final DoubleVector E7 = v(0x1.71dde5ec7da88p-19);
    private static final DoubleVector E8 = v(0x1.28b3f616e8dfdp-22);
    private static final DoubleVector E9 = v(0x1.af7fbb44c0b9bp-26);
    private static final DoubleVector ONE = v(1);
    private static final DoubleVector NEG_ONE = v(-1);
    private static final DoubleVector NEG_HALF = v(-0.5);
    private static final DoubleVector TWO = v(2);
    private static final DoubleVector NEG_LN2_HI = v(-LN2_HI);
    private static final double NEG_TWO_LOG2E = -2 * LOG2E;
    private static final DoubleVector NEG_LN2_LO = v(-LN2_LO);
    private static final DoubleVector NEG_PIO2_1 = v(-PIO2_1);
    private static final DoubleVector PIO2_3V = v(PIO2_3);

    // Constants as typed vectors: fewer IR nodes than a broadcast per use.
    private static DoubleVector v(double c) {
        return DoubleVector.broadcast(DoubleLanes.S, c);
    }
}
