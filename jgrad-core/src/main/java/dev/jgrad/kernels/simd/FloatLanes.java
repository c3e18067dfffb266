package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.UnaryFn;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.NE;

/**
 * float32 loops over one row piece, computed in float lanes: +, −, ·, /, √, comparisons, max/min
 * and blends give exactly the double result rounded to float; exp, expm1, sin, cos, tanh
 * ({@link FloatPoly}), log and log1p ({@link FloatLog}) are jgrad's own polynomials (within 1 float
 * ulp, the same bits interpreted or compiled); tan is a float-accuracy polynomial in widened
 * lanes ({@link FloatWideLanes#tan}, within 1 float ulp of the correctly rounded result). σ, SiLU
 * and softplus run in float lanes too ({@link SigmoidMaps}; 2–3 float ulp, lanes where e^{-|x|}
 * goes subnormal from the scalar definition). Functions whose parameter is not a float (a slope of
 * 0.01, say), and GELU, are computed in widened double lanes ({@link FloatWideLanes}), rounded once.
 * Binary loops are in {@link FloatZips}.
 */
final class FloatLanes {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Integers of the same shape, for {@link #extreme}'s sortable keys. */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    private static final int ABS_BITS = 0x7FFFFFFF;
    private static final int INF_BITS = 0x7F800000;
    /** Sortable keys of −∞ and +∞ (bits ^ (sign ? 0x7FFFFFFF : 0)). */
    private static final int NEG_INF_KEY = 0xFF800000 ^ ABS_BITS;
    private static final int POS_INF_KEY = INF_BITS;
    private static final int L = S.length();
    private static final VectorSpecies<Double> D = DoubleLanes.S;

    private FloatLanes() {
    }

    private static FloatVector at(float[] x, int p) {
        return FloatVector.fromArray(S, x, p);
    }

    private static boolean isFloat(double v) {
        return (double) (float) v == v || v != v;
    }

    /**
     * {@code s[sp + i] = sin x}, {@code c[cp + i] = cos x} of {@code x[xp + i]}, {@code i < len}: the
     * values {@link #map} gives for SIN and COS, from one argument reduction.
     */
    static void sinCos(float[] x, int xp, float[] s, int sp, float[] c, int cp, int len) {
        int head = S.loopBound(len);
        FloatPoly.sinCos(x, xp, s, sp, c, cp, head);
        if (head < len) {
            // The tail through the same vector code on a zero-padded copy, as map does.
            float[] tx = new float[L];
            float[] ts = new float[L];
            float[] tc = new float[L];
            System.arraycopy(x, xp + head, tx, 0, len - head);
            FloatPoly.sinCos(tx, 0, ts, 0, tc, 0, L);
            System.arraycopy(ts, 0, s, sp + head, len - head);
            System.arraycopy(tc, 0, c, cp + head, len - head);
        }
    }

    /** {@code o[op + i] = f(x[xp + i])} rounded to float, for {@code i < len}. */
    static void map(UnaryFn f, float[] x, int xp, float[] o, int op, int len) {
        if (len % S.length() != 0 && VectorMath.approximate(f.kind())) {
            // The tail goes through the same vector code on a zero-padded copy, so an element's
            // result never depends on where it sits (vector forms differ from Math.* by an ulp or two).
            int head = S.loopBound(len);
            if (head > 0) {
                map(f, x, xp, o, op, head);
            }
            float[] tx = new float[S.length()];
            float[] to = new float[S.length()];
            System.arraycopy(x, xp + head, tx, 0, len - head);
            map(f, tx, 0, to, 0, S.length());
            System.arraycopy(to, 0, o, op + head, len - head);
            return;
        }
        int i = 0;
        int n = S.loopBound(len);
        FloatVector a = FloatVector.broadcast(S, (float) f.a());
        FloatVector b = FloatVector.broadcast(S, (float) f.b());
        boolean exact = isFloat(f.a()) && isFloat(f.b());
        switch (f.kind()) {
            case NEG -> i = mapNeg(x, xp, o, op, n, a, b);
            case ABS -> i = mapAbs(x, xp, o, op, n, a, b);
            case SIGN -> i = mapSign(x, xp, o, op, n, a, b);
            case EXP -> i = mapExp(x, xp, o, op, n, a, b);
            case EXPM1 -> i = mapExpm1(x, xp, o, op, n, a, b);
            case LOG -> i = mapLog(x, xp, o, op, n, a, b);
            case LOG1P -> i = mapLog1p(x, xp, o, op, n, a, b);
            case SQRT -> i = mapSqrt(x, xp, o, op, n, a, b);
            case SQUARE -> i = mapSquare(x, xp, o, op, n, a, b);
            case RECIPROCAL -> i = mapReciprocal(x, xp, o, op, n, a, b);
            case SIN -> i = mapSin(x, xp, o, op, n, a, b);
            case COS -> i = mapCos(x, xp, o, op, n, a, b);
            case TAN -> i = mapTan(x, xp, o, op, n, a, b);
            case TANH -> i = mapTanh(x, xp, o, op, n, a, b);
            case RELU -> i = mapRelu(x, xp, o, op, n, a, b);
            case SIGMOID, SOFTPLUS, SILU -> i = SigmoidMaps.map(f.kind(), x, xp, o, op, n);
            case GELU -> i = FloatWideLanes.map(f, x, xp, o, op, len);
            case POW_SCALAR -> i = f.a() == 2 ? mapSquare(x, xp, o, op, n, a, b) : FloatWideLanes.pow(x, xp, o, op, n, f.a());
            // Float parameters: float lanes are exact; others (a slope of 0.01) need double lanes.
            case LEAKY_RELU -> i = exact ? mapLeakyRelu(x, xp, o, op, n, a, b) : FloatWideLanes.map(f, x, xp, o, op, len);
            case ADD_SCALAR -> i = exact ? mapAddScalar(x, xp, o, op, n, a, b) : FloatWideLanes.map(f, x, xp, o, op, len);
            case MUL_SCALAR -> i = exact ? mapMulScalar(x, xp, o, op, n, a, b) : FloatWideLanes.map(f, x, xp, o, op, len);
            case CLAMP -> i = exact ? mapClamp(x, xp, o, op, n, a, b) : FloatWideLanes.map(f, x, xp, o, op, len);
        }
        for (; i < len; i++) {
            o[op + i] = (float) f.applyAsDouble(x[xp + i]);
        }
    }

    /** {@code o[op + i] = c[cp + i] != 0 ? a[ap + i] : b[bp + i]} (NaN counts as non-zero). */
    static void select(float[] c, int cp, float[] a, int ap, float[] b, int bp, float[] o, int op, int len) {
        int i = 0;
        for (int n = S.loopBound(len); i < n; i += L) {
            at(b, bp + i).blend(at(a, ap + i), at(c, cp + i).compare(NE, 0)).intoArray(o, op + i);
        }
        for (; i < len; i++) {
            o[op + i] = c[cp + i] != 0 ? a[ap + i] : b[bp + i];
        }
    }

    /**
     * Σ x[p, p + len) accumulated in double lanes (as accurate as the scalar double accumulator):
     * four accumulators, so the adds do not wait on each other, and the lanes added in index order
     * (reduceLanes leaves the order of a floating-point sum to the implementation).
     */
    static double sum(float[] x, int p, int len) {
        int h = FloatWideLanes.H;
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        int i = 0;
        for (int n = len - len % (4 * h); i < n; i += 4 * h) {
            a0 = a0.add(FloatWideLanes.wide(x, p + i));
            a1 = a1.add(FloatWideLanes.wide(x, p + i + h));
            a2 = a2.add(FloatWideLanes.wide(x, p + i + 2 * h));
            a3 = a3.add(FloatWideLanes.wide(x, p + i + 3 * h));
        }
        for (int n = FloatWideLanes.HALF.loopBound(len); i < n; i += h) {
            a0 = a0.add(FloatWideLanes.wide(x, p + i));
        }
        double s = 0;
        for (double lane : a0.add(a1).add(a2.add(a3)).toArray()) {
            s += lane;
        }
        for (; i < len; i++) {
            s += x[p + i];
        }
        return s;
    }

    /** Σ x² over x[p, p + len), each square in double (one fma per lane), summed as {@link #sum} sums. */
    static double sumOfSquares(float[] x, int p, int len) {
        int h = FloatWideLanes.H;
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        int i = 0;
        for (int n = len - len % (4 * h); i < n; i += 4 * h) {
            DoubleVector v0 = FloatWideLanes.wide(x, p + i);
            a0 = v0.fma(v0, a0);
            DoubleVector v1 = FloatWideLanes.wide(x, p + i + h);
            a1 = v1.fma(v1, a1);
            DoubleVector v2 = FloatWideLanes.wide(x, p + i + 2 * h);
            a2 = v2.fma(v2, a2);
            DoubleVector v3 = FloatWideLanes.wide(x, p + i + 3 * h);
            a3 = v3.fma(v3, a3);
        }
        for (int n = FloatWideLanes.HALF.loopBound(len); i < n; i += h) {
            DoubleVector v0 = FloatWideLanes.wide(x, p + i);
            a0 = v0.fma(v0, a0);
        }
        double s = 0;
        for (double lane : a0.add(a1).add(a2.add(a3)).toArray()) {
            s += lane;
        }
        for (; i < len; i++) {
            s += (double) x[p + i] * x[p + i];
        }
        return s;
    }

    /** max (or min) of x[p, p + len) combined into {@code init}; NaN anywhere gives NaN. */
    static double extreme(boolean max, float[] x, int p, int len, double init) {
        // Over sortable integers: key = bits ^ ((bits >> 31) & 0x7FFFFFFF) orders the floats that are
        // not NaN as Java's max/min do (−0 below +0), and an integer max (min) is one instruction;
        // NaN is found apart, as |bits| above +∞'s. Java's vector max/min (NaN first, −0 below +0)
        // is several instructions per vector: with four accumulators it ran at ~0.068 ns per float
        // on one Zen 5 core, this at ~0.03 (harness, rows in L2).
        IntVector k0 = IntVector.broadcast(IS, max ? NEG_INF_KEY : POS_INF_KEY);
        IntVector k1 = k0;
        IntVector a0 = IntVector.zero(IS);
        IntVector a1 = a0;
        int i = 0;
        int n2 = len - len % (2 * L);
        if (max) {
            for (; i < n2; i += 2 * L) {
                IntVector v = at(x, p + i).reinterpretAsInts();
                IntVector w = at(x, p + i + L).reinterpretAsInts();
                k0 = k0.max(v.lanewise(VectorOperators.XOR, v.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, ABS_BITS)));
                k1 = k1.max(w.lanewise(VectorOperators.XOR, w.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, ABS_BITS)));
                a0 = a0.max(v.lanewise(VectorOperators.AND, ABS_BITS));
                a1 = a1.max(w.lanewise(VectorOperators.AND, ABS_BITS));
            }
        } else {
            for (; i < n2; i += 2 * L) {
                IntVector v = at(x, p + i).reinterpretAsInts();
                IntVector w = at(x, p + i + L).reinterpretAsInts();
                k0 = k0.min(v.lanewise(VectorOperators.XOR, v.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, ABS_BITS)));
                k1 = k1.min(w.lanewise(VectorOperators.XOR, w.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, ABS_BITS)));
                a0 = a0.max(v.lanewise(VectorOperators.AND, ABS_BITS));
                a1 = a1.max(w.lanewise(VectorOperators.AND, ABS_BITS));
            }
        }
        int key = max ? k0.max(k1).reduceLanes(VectorOperators.MAX) : k0.min(k1).reduceLanes(VectorOperators.MIN);
        float v = a0.max(a1).reduceLanes(VectorOperators.MAX) > INF_BITS ? Float.NaN
                : Float.intBitsToFloat(key ^ ((key >> 31) & ABS_BITS));
        double r = max ? Math.max(init, v) : Math.min(init, v);
        for (; i < len; i++) {
            r = max ? Math.max(r, x[p + i]) : Math.min(r, x[p + i]);
        }
        return r;
    }

    /** acc[j] ⊕= x[p + j] for j in [from, to), in double: ⊕ is + (kind 0), max (1), min (2) or + of the square (3). */
    static void accumulate(int kind, float[] x, int p, double[] acc, int from, int to) {
        int j = from;
        for (int n = from + FloatWideLanes.HALF.loopBound(to - from); j < n; j += FloatWideLanes.H) {
            DoubleVector s = DoubleVector.fromArray(D, acc, j);
            DoubleVector v = FloatWideLanes.wide(x, p + j);
            (kind == 0 ? s.add(v) : kind == 1 ? s.max(v) : kind == 2 ? s.min(v) : v.fma(v, s)).intoArray(acc, j);
        }
        for (; j < to; j++) {
            double v = x[p + j];
            acc[j] = kind == 0 ? acc[j] + v : kind == 1 ? Math.max(acc[j], v) : kind == 2 ? Math.min(acc[j], v) : acc[j] + v * v;
        }
    }

    // One method per function: each loop is compiled on its own, so a new function never deoptimises another's loop.
    private static int mapNeg(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).neg().intoArray(o, op + i);
        return i;
    }
    private static int mapAbs(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).abs().intoArray(o, op + i);
        return i;
    }
    private static int mapSign(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) VectorMath.sign(at(x, xp + i)).intoArray(o, op + i);
        return i;
    }
    private static int mapExp(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        FloatPoly.exp(x, xp, o, op, n);
        return n;
    }
    private static int mapExpm1(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        FloatPoly.expm1(x, xp, o, op, n);
        return n;
    }
    private static int mapLog(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        FloatLog.log(x, xp, o, op, n, false);
        return n;
    }
    private static int mapLog1p(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        FloatLog.log(x, xp, o, op, n, true);
        return n;
    }
    private static int mapSqrt(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).sqrt().intoArray(o, op + i);
        return i;
    }
    private static int mapSquare(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) { FloatVector v = at(x, xp + i); v.mul(v).intoArray(o, op + i); }
        return i;
    }
    private static int mapReciprocal(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) FloatVector.broadcast(S, 1).div(at(x, xp + i)).intoArray(o, op + i);
        return i;
    }
    private static int mapSin(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        FloatPoly.sinCos(x, xp, o, op, null, 0, n);
        return n;
    }
    private static int mapCos(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        FloatPoly.sinCos(x, xp, null, 0, o, op, n);
        return n;
    }

    /**
     * The scalar definition for the lanes of one vector with |x| beyond a polynomial's limit (or
     * NaN); x holds the vector's arguments (o may be the input array, already overwritten).
     */
    static void patch(DoubleUnaryOperator f, float[] x, float[] o, int op, float limit) {
        for (int j = 0; j < L; j++) {
            if (!(Math.abs(x[j]) <= limit)) o[op + j] = (float) f.applyAsDouble(x[j]);
        }
    }
    private static int mapTan(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        return FloatWideLanes.tan(x, xp, o, op, n);
    }
    private static int mapTanh(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        FloatPoly.tanh(x, xp, o, op, n);
        return n;
    }
    private static int mapRelu(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) VectorMath.relu(at(x, xp + i)).intoArray(o, op + i);
        return i;
    }
    private static int mapLeakyRelu(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) VectorMath.leakyRelu(at(x, xp + i), a).intoArray(o, op + i);
        return i;
    }
    private static int mapAddScalar(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).add(a).intoArray(o, op + i);
        return i;
    }
    private static int mapMulScalar(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).mul(a).intoArray(o, op + i);
        return i;
    }
    private static int mapClamp(float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        for (; i < n; i += L) VectorMath.clamp(at(x, xp + i), a, b).intoArray(o, op + i);
        return i;
    }
}
