package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.UnaryFn;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

/**
 * float64 loops over one row piece: vector body, then the scalar definition for the tail (and for
 * the whole piece when a function has no vector form). One loop per function so the JIT sees a
 * constant operator in each (a variable operator defeats the vector intrinsics).
 */
final class DoubleLanes {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private DoubleLanes() {
    }

    private static DoubleVector at(double[] x, int p) {
        return DoubleVector.fromArray(S, x, p);
    }

    /** {@code o[op + i] = f(x[xp + i])} for {@code i < len}. */
    static void map(UnaryFn f, double[] x, int xp, double[] o, int op, int len) {
        int i = 0;
        int n = S.loopBound(len);
        DoubleVector a = DoubleVector.broadcast(S, f.a());
        DoubleVector b = DoubleVector.broadcast(S, f.b());
        switch (f.kind()) {
            case NEG -> { for (; i < n; i += L) at(x, xp + i).neg().intoArray(o, op + i); }
            case ABS -> { for (; i < n; i += L) at(x, xp + i).abs().intoArray(o, op + i); }
            case SIGN -> { for (; i < n; i += L) VectorMath.sign(at(x, xp + i)).intoArray(o, op + i); }
            case EXP -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.EXP).intoArray(o, op + i); }
            case EXPM1 -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.EXPM1).intoArray(o, op + i); }
            case LOG -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.LOG).intoArray(o, op + i); }
            case LOG1P -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.LOG1P).intoArray(o, op + i); }
            case SQRT -> { for (; i < n; i += L) at(x, xp + i).sqrt().intoArray(o, op + i); }
            case SQUARE -> { for (; i < n; i += L) { DoubleVector v = at(x, xp + i); v.mul(v).intoArray(o, op + i); } }
            case RECIPROCAL -> { for (; i < n; i += L) DoubleVector.broadcast(S, 1).div(at(x, xp + i)).intoArray(o, op + i); }
            case SIN -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.SIN).intoArray(o, op + i); }
            case COS -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.COS).intoArray(o, op + i); }
            case TAN -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.TAN).intoArray(o, op + i); }
            case TANH -> { for (; i < n; i += L) VectorMath.tanh(at(x, xp + i)).intoArray(o, op + i); }
            case SIGMOID -> { for (; i < n; i += L) VectorMath.sigmoid(at(x, xp + i)).intoArray(o, op + i); }
            case RELU -> { for (; i < n; i += L) VectorMath.relu(at(x, xp + i)).intoArray(o, op + i); }
            case SOFTPLUS -> { for (; i < n; i += L) VectorMath.softplus(at(x, xp + i)).intoArray(o, op + i); }
            case SILU -> { for (; i < n; i += L) { DoubleVector v = at(x, xp + i); v.mul(VectorMath.sigmoid(v)).intoArray(o, op + i); } }
            case LEAKY_RELU -> { for (; i < n; i += L) VectorMath.leakyRelu(at(x, xp + i), a).intoArray(o, op + i); }
            case ADD_SCALAR -> { for (; i < n; i += L) at(x, xp + i).add(a).intoArray(o, op + i); }
            case MUL_SCALAR -> { for (; i < n; i += L) at(x, xp + i).mul(a).intoArray(o, op + i); }
            case CLAMP -> { for (; i < n; i += L) VectorMath.clamp(at(x, xp + i), a, b).intoArray(o, op + i); }
            case POW_SCALAR -> {
                // Math.pow(x, 2) is x·x exactly; other exponents keep Math.pow's special cases.
                if (f.a() == 2) {
                    for (; i < n; i += L) { DoubleVector v = at(x, xp + i); v.mul(v).intoArray(o, op + i); }
                }
            }
            // GELU's 1 + tanh(·) cancels for negative x: any tanh but Math.tanh disagrees there by many ulps.
            case GELU -> { }
        }
        for (; i < len; i++) {
            o[op + i] = f.applyAsDouble(x[xp + i]);
        }
    }

    /**
     * {@code o[op + i] = f(a[ap + i·sa], b[bp + i·sb])} with strides 0 (a broadcast element) or 1.
     * POW has no vector form (Math.pow's special cases); it runs the scalar definition.
     */
    static void zip(BinaryFn f, double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int len) {
        int i = 0;
        int n = S.loopBound(len);
        DoubleVector ab = DoubleVector.broadcast(S, a[ap]);
        DoubleVector bb = DoubleVector.broadcast(S, b[bp]);
        switch (f) {
            case ADD -> { for (; i < n; i += L) load(a, ap, sa, ab, i).add(load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case SUB -> { for (; i < n; i += L) load(a, ap, sa, ab, i).sub(load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case MUL -> { for (; i < n; i += L) load(a, ap, sa, ab, i).mul(load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case DIV -> { for (; i < n; i += L) load(a, ap, sa, ab, i).div(load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case MAX -> { for (; i < n; i += L) load(a, ap, sa, ab, i).max(load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case MIN -> { for (; i < n; i += L) load(a, ap, sa, ab, i).min(load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case GT -> { for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), GT, load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case GE -> { for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), GE, load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case LT -> { for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), LT, load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case LE -> { for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), LE, load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case EQ -> { for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), EQ, load(b, bp, sb, bb, i)).intoArray(o, op + i); }
            case POW -> { }
        }
        for (; i < len; i++) {
            o[op + i] = f.applyAsDouble(a[ap + i * sa], b[bp + i * sb]);
        }
    }

    private static DoubleVector load(double[] x, int p, int stride, DoubleVector broadcast, int i) {
        return stride == 0 ? broadcast : at(x, p + i);
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

    /** Σ x[p, p + len), four lanes' partial sums added at the end. */
    static double sum(double[] x, int p, int len) {
        DoubleVector acc = DoubleVector.zero(S);
        int i = 0;
        for (int n = S.loopBound(len); i < n; i += L) {
            acc = acc.add(at(x, p + i));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += x[p + i];
        }
        return s;
    }

    /** max (or min) of x[p, p + len) combined into {@code init}; NaN anywhere gives NaN. */
    static double extreme(boolean max, double[] x, int p, int len, double init) {
        DoubleVector acc = DoubleVector.broadcast(S, init);
        int i = 0;
        int n = S.loopBound(len);
        if (max) {
            for (; i < n; i += L) acc = acc.max(at(x, p + i));
        } else {
            for (; i < n; i += L) acc = acc.min(at(x, p + i));
        }
        double r = init;
        for (double v : acc.toArray()) {
            r = max ? Math.max(r, v) : Math.min(r, v);
        }
        for (; i < len; i++) {
            r = max ? Math.max(r, x[p + i]) : Math.min(r, x[p + i]);
        }
        return r;
    }

    /** acc[j] ⊕= x[p + j] for j in [from, to): ⊕ is +, max or min (NaN propagates). */
    static void accumulate(int kind, double[] x, int p, double[] acc, int from, int to) {
        int j = from;
        for (int n = from + S.loopBound(to - from); j < n; j += L) {
            DoubleVector s = at(acc, j);
            DoubleVector v = at(x, p + j);
            (kind == 0 ? s.add(v) : kind == 1 ? s.max(v) : s.min(v)).intoArray(acc, j);
        }
        for (; j < to; j++) {
            double v = x[p + j];
            acc[j] = kind == 0 ? acc[j] + v : kind == 1 ? Math.max(acc[j], v) : Math.min(acc[j], v);
        }
    }
}
