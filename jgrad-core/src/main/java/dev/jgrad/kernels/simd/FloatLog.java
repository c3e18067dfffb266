package dev.jgrad.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * float32 ln x and ln(1 + x) in float lanes, {@link DoubleLog}'s method with FreeBSD's e_logf
 * coefficients; from exact IEEE operations only (see {@link DoublePoly} for
 * why: the library's lanewise LOG/LOG1P change their last bits once C2 compiles them). fdlibm's
 * e_log: x = 2ᵏ·(1 + f) with 1 + f ∈ [√2/2, √2), s = f/(2 + f), ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)).
 * ln(1 + x) takes u = 1 + x rounded and adds c/u, c = (1 + x) − u exactly (fdlibm's log1p
 * correction). Lanes with x not a positive normal (log) or not in (−1, ∞) (log1p), NaN and ∞
 * get the scalar definition. Accuracy, measured on 10M arguments against Math.* rounded to float: within 1 float ulp.
 */
final class FloatLog {
    private static final int L = FloatLanes.S.length();

    private FloatLog() {
    }

    /** Bits of √2/2: subtracting them makes the exponent field k with 1 + f in [√2/2, √2). */
    private static final int SQRT_HALF_BITS = Float.floatToRawIntBits(0x1.6a09e6p-1f);
    /** Bits of 1.5·2²³ (add a small integer to them, subtract the float: the integer as a float). */
    private static final int MAGIC_BITS = Float.floatToRawIntBits(0x1.8p23f);
    private static final FloatVector MAGIC = v(0x1.8p23f);
    private static final FloatVector ZERO = v(0f);
    private static final FloatVector ONE = v(1f);
    private static final FloatVector TWO = v(2f);
    private static final FloatVector HALF = v(0.5f);
    // FreeBSD e_logf's ln 2 split (k·LN2_HI exact) and minimax coefficients of R on s² ∈ [0, 0.1716].
    private static final FloatVector LN2_HI = v(6.9313812256e-01f);
    private static final FloatVector LN2_LO = v(9.0580006145e-06f);
    private static final FloatVector LG1 = v(0xaaaaaa.0p-24f);
    private static final FloatVector LG2 = v(0xccce13.0p-25f);
    private static final FloatVector LG3 = v(0x91e9ee.0p-25f);
    private static final FloatVector LG4 = v(0xf89e26.0p-26f);
    /** Below this |x|, ln(1 + x) rounds to x (and the sum would lose −0's sign). */
    private static final float LOG1P_TINY = 0x1p-25f;

    /**
     * o[op + i] = ln x (plus1 false) or ln(1 + x) (plus1 true) for i &lt; n, a multiple of the
     * vector length. plus1 is loop-invariant: C2 unswitches the loop.
     */
    static void log(float[] x, int xp, float[] o, int op, int n, boolean plus1) {
        for (int i = 0; i < n; i += L) {
            FloatVector xv = FloatVector.fromArray(FloatLanes.S, x, xp + i);
            FloatVector u = xv;
            FloatVector cu = ZERO;
            boolean inside;
            if (plus1) {
                inside = xv.compare(VectorOperators.GT, -1f).and(xv.compare(VectorOperators.LE, Float.MAX_VALUE)).allTrue();
                // u + c = 1 + x exactly (TwoSum); cu = c/u.
                u = xv.add(ONE);
                FloatVector b = u.sub(ONE);
                cu = ONE.sub(u.sub(b)).add(xv.sub(b)).div(u);
            } else {
                inside = xv.compare(VectorOperators.GE, Float.MIN_NORMAL).and(xv.compare(VectorOperators.LE, Float.MAX_VALUE)).allTrue();
            }
            IntVector bits = u.reinterpretAsInts();
            IntVector k = bits.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 23);
            FloatVector f = bits.sub(k.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats().sub(ONE);
            FloatVector dk = k.add(MAGIC_BITS).reinterpretAsFloats().sub(MAGIC);
            FloatVector hfsq = f.mul(f).mul(HALF);
            FloatVector s = f.div(f.add(TWO));
            FloatVector z = s.mul(s);
            FloatVector w = z.mul(z);
            FloatVector t1 = w.mul(w.fma(LG4, LG2));
            FloatVector t2 = z.mul(w.fma(LG3, LG1));
            // The correction c/u of ln(1 + x) goes in with the small terms (zero for ln x).
            FloatVector small = s.fma(hfsq.add(t2.add(t1)), dk.fma(LN2_LO, cu));
            FloatVector y = dk.fma(LN2_HI, f.sub(hfsq.sub(small)));
            if (plus1) y = y.blend(xv, xv.abs().compare(VectorOperators.LT, LOG1P_TINY));
            y.intoArray(o, op + i);
            if (!inside) patch(plus1, xv.toArray(), o, op + i);
        }
    }

    /** The scalar definition for the lanes of one vector outside the polynomial's domain. */
    private static void patch(boolean plus1, float[] x, float[] o, int op) {
        for (int j = 0; j < L; j++) {
            float v = x[j];
            boolean inside = plus1 ? v > -1 && v <= Float.MAX_VALUE : v >= Float.MIN_NORMAL && v <= Float.MAX_VALUE;
            if (!inside) o[op + j] = (float) (plus1 ? Math.log1p(v) : Math.log(v));
        }
    }

    private static FloatVector v(float c) {
        return FloatVector.broadcast(FloatLanes.S, c);
    }
}
