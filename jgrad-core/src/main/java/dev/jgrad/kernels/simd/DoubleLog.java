package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * float64 ln x and ln(1 + x) over a row from exact IEEE operations only (see {@link DoublePoly} for
 * why: the library's lanewise LOG/LOG1P change their last bits once C2 compiles them). fdlibm's
 * e_log: x = 2ᵏ·(1 + f) with 1 + f ∈ [√2/2, √2), s = f/(2 + f), ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)).
 * ln(1 + x) takes u = 1 + x rounded and adds c/u, c = (1 + x) − u exactly (fdlibm's log1p
 * correction). Lanes with x not a positive normal (log) or not in (−1, ∞) (log1p), NaN and ∞
 * get the scalar definition. Accuracy, measured on 10M arguments against Math.*: within 1 ulp.
 */
final class DoubleLog {
    private static final int L = DoubleLanes.S.length();

    private DoubleLog() {
    }

    /** Bits of √2/2: subtracting them makes the exponent field k with 1 + f in [√2/2, √2). */
    private static final long SQRT_HALF_BITS = Double.doubleToRawLongBits(0x1.6a09e667f3bcdp-1);
    /** Bits of 1.5·2⁵² (add a small integer to them, subtract the double: the integer as a double). */
    private static final long MAGIC_BITS = Double.doubleToRawLongBits(0x1.8p52);
    private static final DoubleVector MAGIC = v(0x1.8p52);
    private static final DoubleVector ZERO = v(0);
    private static final DoubleVector ONE = v(1);
    private static final DoubleVector TWO = v(2);
    private static final DoubleVector HALF = v(0.5);
    // fdlibm's ln 2 split (k·LN2_HI exact) and minimax coefficients of R on s² ∈ [0, 0.1716].
    private static final DoubleVector LN2_HI = v(6.93147180369123816490e-01);
    private static final DoubleVector LN2_LO = v(1.90821492927058770002e-10);
    private static final DoubleVector LG1 = v(6.666666666666735130e-01);
    private static final DoubleVector LG2 = v(3.999999999940941908e-01);
    private static final DoubleVector LG3 = v(2.857142874366239149e-01);
    private static final DoubleVector LG4 = v(2.222219843214978396e-01);
    private static final DoubleVector LG5 = v(1.818357216161805012e-01);
    private static final DoubleVector LG6 = v(1.531383769920937332e-01);
    private static final DoubleVector LG7 = v(1.479819860511658591e-01);
    /** Below this |x|, ln(1 + x) rounds to x (and the sum would lose −0's sign). */
    private static final double LOG1P_TINY = 0x1p-54;

    /**
     * o[op + i] = ln x (plus1 false) or ln(1 + x) (plus1 true) for i &lt; n, a multiple of the
     * vector length. plus1 is loop-invariant: C2 unswitches the loop.
     */
    static void log(double[] x, int xp, double[] o, int op, int n, boolean plus1) {
        for (int i = 0; i < n; i += L) {
            DoubleVector xv = DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            DoubleVector u = xv;
            DoubleVector cu = ZERO;
            boolean inside;
            if (plus1) {
                inside = xv.compare(VectorOperators.GT, -1).and(xv.compare(VectorOperators.LE, Double.MAX_VALUE)).allTrue();
                // u + c = 1 + x exactly (TwoSum); cu = c/u.
                u = xv.add(ONE);
                DoubleVector b = u.sub(ONE);
                cu = ONE.sub(u.sub(b)).add(xv.sub(b)).div(u);
            } else {
                inside = xv.compare(VectorOperators.GE, Double.MIN_NORMAL).and(xv.compare(VectorOperators.LE, Double.MAX_VALUE)).allTrue();
            }
            DoubleVector y = lnPlus(u, cu);
            if (plus1) y = y.blend(xv, xv.abs().compare(VectorOperators.LT, LOG1P_TINY));
            y.intoArray(o, op + i);
            if (!inside) patch(plus1, xv.toArray(), o, op + i);
        }
    }

    /** ln u + cu for u a positive normal double and |cu| tiny beside ln u's last bits or zero. */
    static DoubleVector lnPlus(DoubleVector u, DoubleVector cu) {
        LongVector bits = u.reinterpretAsLongs();
        LongVector k = bits.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 52);
        DoubleVector f = bits.sub(k.lanewise(VectorOperators.LSHL, 52)).reinterpretAsDoubles().sub(ONE);
        DoubleVector dk = k.add(MAGIC_BITS).reinterpretAsDoubles().sub(MAGIC);
        DoubleVector hfsq = f.mul(f).mul(HALF);
        DoubleVector s = f.div(f.add(TWO));
        DoubleVector z = s.mul(s);
        DoubleVector w = z.mul(z);
        DoubleVector t1 = w.mul(w.fma(w.fma(LG6, LG4), LG2));
        DoubleVector t2 = z.mul(w.fma(w.fma(w.fma(LG7, LG5), LG3), LG1));
        // The correction cu goes in with the small terms.
        DoubleVector small = s.fma(hfsq.add(t2.add(t1)), dk.fma(LN2_LO, cu));
        return dk.fma(LN2_HI, f.sub(hfsq.sub(small)));
    }

    /** ln(1 + e) for e in [0, 1]: 1 + e carried in two parts (Fast2Sum, 1 ≥ e), no range checks. */
    static DoubleVector log1pOfUnit(DoubleVector e) {
        DoubleVector u = e.add(ONE);
        return lnPlus(u, ONE.sub(u).add(e).div(u));
    }

    /** The scalar definition for the lanes of one vector outside the polynomial's domain. */
    private static void patch(boolean plus1, double[] x, double[] o, int op) {
        for (int j = 0; j < L; j++) {
            double v = x[j];
            boolean inside = plus1 ? v > -1 && v <= Double.MAX_VALUE : v >= Double.MIN_NORMAL && v <= Double.MAX_VALUE;
            if (!inside) o[op + j] = plus1 ? Math.log1p(v) : Math.log(v);
        }
    }

    private static DoubleVector v(double c) {
        return DoubleVector.broadcast(DoubleLanes.S, c);
    }
}
