package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.UnaryFn;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.NE;

/**
 * float64 loops over one row piece: vector body, then the scalar definition for the tail (and for
 * the whole piece when a function has no vector form). One loop per function so the JIT sees a
 * constant operator in each (a variable operator defeats the vector intrinsics). exp, expm1, sin,
 * cos, tan, tanh ({@link DoublePoly}), log and log1p ({@link DoubleLog}) are jgrad's own polynomials,
 * and the σ-based functions are built from them (the same bits interpreted or compiled; the vector
 * library's lanewise forms are not).
 * Binary loops are in {@link DoubleZips}.
 */
final class DoubleLanes {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private DoubleLanes() {
    }

    private static DoubleVector at(double[] x, int p) {
        return DoubleVector.fromArray(S, x, p);
    }

    /**
     * {@code s[sp + i] = sin x}, {@code c[cp + i] = cos x} of {@code x[xp + i]}, {@code i < len}: the
     * values {@link #map} gives for SIN and COS, from one argument reduction.
     */
    static void sinCos(double[] x, int xp, double[] s, int sp, double[] c, int cp, int len) {
        int head = S.loopBound(len);
        DoublePoly.sinCos(x, xp, s, sp, c, cp, head);
        if (head < len) {
            // The tail through the same vector code on a zero-padded copy, as map does.
            double[] tx = new double[L];
            double[] ts = new double[L];
            double[] tc = new double[L];
            System.arraycopy(x, xp + head, tx, 0, len - head);
            DoublePoly.sinCos(tx, 0, ts, 0, tc, 0, L);
            System.arraycopy(ts, 0, s, sp + head, len - head);
            System.arraycopy(tc, 0, c, cp + head, len - head);
        }
    }

    /** {@code o[op + i] = f(x[xp + i])} for {@code i < len}. */
    static void map(UnaryFn f, double[] x, int xp, double[] o, int op, int len) {
        if (len % S.length() != 0 && VectorMath.approximate(f.kind())) {
            // The tail goes through the same vector code on a zero-padded copy, so an element's
            // result never depends on where it sits (vector forms differ from Math.* by an ulp or two).
            int head = S.loopBound(len);
            if (head > 0) {
                map(f, x, xp, o, op, head);
            }
            double[] tx = new double[S.length()];
            double[] to = new double[S.length()];
            System.arraycopy(x, xp + head, tx, 0, len - head);
            map(f, tx, 0, to, 0, S.length());
            System.arraycopy(to, 0, o, op + head, len - head);
            return;
        }
        int i = 0;
        int n = S.loopBound(len);
        DoubleVector a = DoubleVector.broadcast(S, f.a());
        DoubleVector b = DoubleVector.broadcast(S, f.b());
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
            case SIGMOID, SOFTPLUS, SILU, GELU -> i = SigmoidMaps.map(f.kind(), x, xp, o, op, n);
            case RELU -> i = mapRelu(x, xp, o, op, n, a, b);
            case LEAKY_RELU -> i = mapLeakyRelu(x, xp, o, op, n, a, b);
            case ADD_SCALAR -> i = mapAddScalar(x, xp, o, op, n, a, b);
            case MUL_SCALAR -> i = mapMulScalar(x, xp, o, op, n, a, b);
            case CLAMP -> i = mapClamp(x, xp, o, op, n, a, b);
            case POW_SCALAR -> {
                // Math.pow(x, 2) is x·x exactly; other exponents keep Math.pow's special cases.
                if (f.a() == 2) {
                    i = mapSquare(x, xp, o, op, n, a, b);
                }
            }
        }
        for (; i < len; i++) {
            o[op + i] = f.applyAsDouble(x[xp + i]);
        }
    }

    /** {@code o[op + i] = c[cp + i] != 0 ? a[ap + i] : b[bp + i]} (NaN counts as non-zero). */
    static void select(double[] c, int cp, double[] a, int ap, double[] b, int bp, double[] o, int op, int len) {
        int i = 0;
        for (int n = S.loopBound(len); i < n; i += L) {
            at(b, bp + i).blend(at(a, ap + i), at(c, cp + i).compare(NE, 0)).intoArray(o, op + i);
        }
        for (; i < len; i++) {
            o[op + i] = c[cp + i] != 0 ? a[ap + i] : b[bp + i];
        }
    }

    /**
     * Σ x[p, p + len): four vector accumulators, so the adds do not wait on each other, and the
     * lanes added in index order (reduceLanes leaves the order of a floating-point sum open).
     */
    static double sum(double[] x, int p, int len) {
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        int i = 0;
        for (int n = len - len % (4 * L); i < n; i += 4 * L) {
            a0 = a0.add(at(x, p + i));
            a1 = a1.add(at(x, p + i + L));
            a2 = a2.add(at(x, p + i + 2 * L));
            a3 = a3.add(at(x, p + i + 3 * L));
        }
        for (int n = S.loopBound(len); i < n; i += L) {
            a0 = a0.add(at(x, p + i));
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
    static double sumOfSquares(double[] x, int p, int len) {
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        int i = 0;
        for (int n = len - len % (4 * L); i < n; i += 4 * L) {
            DoubleVector v0 = at(x, p + i);
            a0 = v0.fma(v0, a0);
            DoubleVector v1 = at(x, p + i + L);
            a1 = v1.fma(v1, a1);
            DoubleVector v2 = at(x, p + i + 2 * L);
            a2 = v2.fma(v2, a2);
            DoubleVector v3 = at(x, p + i + 3 * L);
            a3 = v3.fma(v3, a3);
        }
        for (int n = S.loopBound(len); i < n; i += L) {
            DoubleVector v0 = at(x, p + i);
            a0 = v0.fma(v0, a0);
        }
        double s = 0;
        for (double lane : a0.add(a1).add(a2.add(a3)).toArray()) {
            s += lane;
        }
        for (; i < len; i++) {
            s += x[p + i] * x[p + i];
        }
        return s;
    }

    /** max (or min) of x[p, p + len) combined into {@code init}; NaN anywhere gives NaN. */
    static double extreme(boolean max, double[] x, int p, int len, double init) {
        // Four accumulators: Java's max/min (NaN first, −0 below +0) is several dependent
        // instructions per vector, so one chain ran at a third of the loads' speed. Any order of
        // max (min) gives the same extreme.
        DoubleVector a0 = DoubleVector.broadcast(S, init);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        int i = 0;
        int n = S.loopBound(len);
        int n4 = n - 3 * L;
        if (max) {
            for (; i < n4; i += 4 * L) {
                a0 = a0.max(at(x, p + i));
                a1 = a1.max(at(x, p + i + L));
                a2 = a2.max(at(x, p + i + 2 * L));
                a3 = a3.max(at(x, p + i + 3 * L));
            }
            for (; i < n; i += L) a0 = a0.max(at(x, p + i));
        } else {
            for (; i < n4; i += 4 * L) {
                a0 = a0.min(at(x, p + i));
                a1 = a1.min(at(x, p + i + L));
                a2 = a2.min(at(x, p + i + 2 * L));
                a3 = a3.min(at(x, p + i + 3 * L));
            }
            for (; i < n; i += L) a0 = a0.min(at(x, p + i));
        }
        DoubleVector acc = max ? a0.max(a1).max(a2.max(a3)) : a0.min(a1).min(a2.min(a3));
        double r = max ? Math.max(init, acc.reduceLanes(VectorOperators.MAX)) : Math.min(init, acc.reduceLanes(VectorOperators.MIN));
        for (; i < len; i++) {
            r = max ? Math.max(r, x[p + i]) : Math.min(r, x[p + i]);
        }
        return r;
    }

    /** acc[j] ⊕= x[p + j] for j in [from, to): ⊕ is +, max, min or + of the square (kind: the Reduction's ordinal; NaN propagates). */
    static void accumulate(int kind, double[] x, int p, double[] acc, int from, int to) {
        int j = from;
        for (int n = from + S.loopBound(to - from); j < n; j += L) {
            DoubleVector s = at(acc, j);
            DoubleVector v = at(x, p + j);
            (kind == 0 ? s.add(v) : kind == 1 ? s.max(v) : kind == 2 ? s.min(v) : v.fma(v, s)).intoArray(acc, j);
        }
        for (; j < to; j++) {
            double v = x[p + j];
            acc[j] = kind == 0 ? acc[j] + v : kind == 1 ? Math.max(acc[j], v) : kind == 2 ? Math.min(acc[j], v) : acc[j] + v * v;
        }
    }

    // One method per function: each loop is compiled on its own, so a new function never deoptimises another's loop.
    private static int mapNeg(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).neg().intoArray(o, op + i);
        return i;
    }
    private static int mapAbs(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).abs().intoArray(o, op + i);
        return i;
    }
    private static int mapSign(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) VectorMath.sign(at(x, xp + i)).intoArray(o, op + i);
        return i;
    }
    private static int mapExp(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        DoublePoly.exp(x, xp, o, op, n);
        return n;
    }
    private static int mapExpm1(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        DoublePoly.expm1(x, xp, o, op, n);
        return n;
    }
    private static int mapLog(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        DoubleLog.log(x, xp, o, op, n, false);
        return n;
    }
    private static int mapLog1p(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        DoubleLog.log(x, xp, o, op, n, true);
        return n;
    }
    private static int mapSqrt(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).sqrt().intoArray(o, op + i);
        return i;
    }
    private static int mapSquare(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) { DoubleVector v = at(x, xp + i); v.mul(v).intoArray(o, op + i); }
        return i;
    }
    private static int mapReciprocal(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) DoubleVector.broadcast(S, 1).div(at(x, xp + i)).intoArray(o, op + i);
        return i;
    }
    private static int mapSin(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        DoublePoly.sinCos(x, xp, o, op, null, 0, n);
        return n;
    }
    private static int mapCos(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        DoublePoly.sinCos(x, xp, null, 0, o, op, n);
        return n;
    }
    private static int mapTan(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        DoublePoly.tan(x, xp, o, op, n);
        return n;
    }
    private static int mapTanh(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        DoublePoly.tanh(x, xp, o, op, n);
        return n;
    }
    private static int mapRelu(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) VectorMath.relu(at(x, xp + i)).intoArray(o, op + i);
        return i;
    }
    private static int mapLeakyRelu(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) VectorMath.leakyRelu(at(x, xp + i), a).intoArray(o, op + i);
        return i;
    }
    private static int mapAddScalar(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).add(a).intoArray(o, op + i);
        return i;
    }
    private static int mapMulScalar(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) at(x, xp + i).mul(a).intoArray(o, op + i);
        return i;
    }
    private static int mapClamp(double[] x, int xp, double[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += L) VectorMath.clamp(at(x, xp + i), a, b).intoArray(o, op + i);
        return i;
    }
}
