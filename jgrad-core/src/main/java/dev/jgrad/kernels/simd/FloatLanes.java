package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.UnaryFn;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

/**
 * float32 loops over one row piece, computed in float lanes: +, −, ·, /, √, comparisons, max/min
 * and blends give exactly the double result rounded to float; transcendentals are the vector
 * library's float forms (within the ulp bound the contract test states). Functions whose
 * parameter is not a float (a slope of 0.01, say), and σ-based ones (subnormal e^{-|x|} in float),
 * are computed in widened double lanes, so the result is the double definition rounded once.
 */
final class FloatLanes {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Double> D = DoubleLanes.S;
    /** Floats that widen to one double vector. */
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int H = HALF.length();

    private FloatLanes() {
    }

    private static FloatVector at(float[] x, int p) {
        return FloatVector.fromArray(S, x, p);
    }

    private static DoubleVector wide(float[] x, int p) {
        return (DoubleVector) FloatVector.fromArray(HALF, x, p).convertShape(VectorOperators.F2D, D, 0);
    }

    private static void narrow(DoubleVector v, float[] o, int p) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, HALF, 0)).intoArray(o, p);
    }

    private static boolean isFloat(double v) {
        return (double) (float) v == v || v != v;
    }

    /** {@code o[op + i] = f(x[xp + i])} rounded to float, for {@code i < len}. */
    static void map(UnaryFn f, float[] x, int xp, float[] o, int op, int len) {
        int i = 0;
        int n = S.loopBound(len);
        FloatVector a = FloatVector.broadcast(S, (float) f.a());
        FloatVector b = FloatVector.broadcast(S, (float) f.b());
        boolean exactParameters = isFloat(f.a()) && isFloat(f.b());
        switch (f.kind()) {
            case NEG -> { for (; i < n; i += L) at(x, xp + i).neg().intoArray(o, op + i); }
            case ABS -> { for (; i < n; i += L) at(x, xp + i).abs().intoArray(o, op + i); }
            case SIGN -> { for (; i < n; i += L) VectorMath.sign(at(x, xp + i)).intoArray(o, op + i); }
            case EXP -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.EXP).intoArray(o, op + i); }
            case EXPM1 -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.EXPM1).intoArray(o, op + i); }
            case LOG -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.LOG).intoArray(o, op + i); }
            case LOG1P -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.LOG1P).intoArray(o, op + i); }
            case SQRT -> { for (; i < n; i += L) at(x, xp + i).sqrt().intoArray(o, op + i); }
            case SQUARE -> { for (; i < n; i += L) { FloatVector v = at(x, xp + i); v.mul(v).intoArray(o, op + i); } }
            case RECIPROCAL -> { for (; i < n; i += L) FloatVector.broadcast(S, 1).div(at(x, xp + i)).intoArray(o, op + i); }
            case SIN -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.SIN).intoArray(o, op + i); }
            case COS -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.COS).intoArray(o, op + i); }
            case TAN -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.TAN).intoArray(o, op + i); }
            // The library's float TANH is fast (unlike its double one).
            case TANH -> { for (; i < n; i += L) at(x, xp + i).lanewise(VectorOperators.TANH).intoArray(o, op + i); }
            case RELU -> { for (; i < n; i += L) VectorMath.relu(at(x, xp + i)).intoArray(o, op + i); }
            // In float lanes e^{-|x|} goes subnormal from |x| ≈ 87 and σ, x·σ lose all their digits there.
            case SIGMOID, SOFTPLUS, SILU -> i = widened(f, x, xp, o, op, len);
            case POW_SCALAR -> {
                if (f.a() == 2) {
                    for (; i < n; i += L) { FloatVector v = at(x, xp + i); v.mul(v).intoArray(o, op + i); }
                }
            }
            case LEAKY_RELU, ADD_SCALAR, MUL_SCALAR, CLAMP -> {
                if (exactParameters) {
                    i = parametric(f.kind(), x, xp, o, op, n, a, b);
                } else {
                    i = widened(f, x, xp, o, op, len);
                }
            }
            case GELU -> { }
        }
        for (; i < len; i++) {
            o[op + i] = (float) f.applyAsDouble(x[xp + i]);
        }
    }

    /** The functions with parameters, in float lanes (the parameters are floats); returns elements done. */
    private static int parametric(UnaryFn.Kind kind, float[] x, int xp, float[] o, int op, int n, FloatVector a, FloatVector b) {
        int i = 0;
        switch (kind) {
            case LEAKY_RELU -> { for (; i < n; i += L) VectorMath.leakyRelu(at(x, xp + i), a).intoArray(o, op + i); }
            case ADD_SCALAR -> { for (; i < n; i += L) at(x, xp + i).add(a).intoArray(o, op + i); }
            case MUL_SCALAR -> { for (; i < n; i += L) at(x, xp + i).mul(a).intoArray(o, op + i); }
            case CLAMP -> { for (; i < n; i += L) VectorMath.clamp(at(x, xp + i), a, b).intoArray(o, op + i); }
            default -> throw new IllegalStateException(kind.toString());
        }
        return i;
    }

    /** Functions computed in double lanes and rounded once (a parameter is not a float, or float lanes lose digits); returns elements done. */
    private static int widened(UnaryFn f, float[] x, int xp, float[] o, int op, int len) {
        int i = 0;
        int n = HALF.loopBound(len);
        DoubleVector a = DoubleVector.broadcast(D, f.a());
        DoubleVector b = DoubleVector.broadcast(D, f.b());
        switch (f.kind()) {
            case LEAKY_RELU -> { for (; i < n; i += H) narrow(VectorMath.leakyRelu(wide(x, xp + i), a), o, op + i); }
            case ADD_SCALAR -> { for (; i < n; i += H) narrow(wide(x, xp + i).add(a), o, op + i); }
            case MUL_SCALAR -> { for (; i < n; i += H) narrow(wide(x, xp + i).mul(a), o, op + i); }
            case CLAMP -> { for (; i < n; i += H) narrow(VectorMath.clamp(wide(x, xp + i), a, b), o, op + i); }
            case SIGMOID -> { for (; i < n; i += H) narrow(VectorMath.sigmoid(wide(x, xp + i)), o, op + i); }
            case SOFTPLUS -> { for (; i < n; i += H) narrow(VectorMath.softplus(wide(x, xp + i)), o, op + i); }
            case SILU -> { for (; i < n; i += H) { DoubleVector v = wide(x, xp + i); narrow(v.mul(VectorMath.sigmoid(v)), o, op + i); } }
            default -> throw new IllegalStateException(f.kind().toString());
        }
        return i;
    }

    /** {@code o[op + i] = f(a[ap + i·sa], b[bp + i·sb])} with strides 0 or 1; POW runs the scalar definition. */
    static void zip(BinaryFn f, float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int len) {
        int i = 0;
        int n = S.loopBound(len);
        FloatVector ab = FloatVector.broadcast(S, a[ap]);
        FloatVector bb = FloatVector.broadcast(S, b[bp]);
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
            o[op + i] = (float) f.applyAsDouble(a[ap + i * sa], b[bp + i * sb]);
        }
    }

    private static FloatVector load(float[] x, int p, int stride, FloatVector broadcast, int i) {
        return stride == 0 ? broadcast : at(x, p + i);
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

    /** Σ x[p, p + len) accumulated in double lanes (as accurate as the scalar double accumulator). */
    static double sum(float[] x, int p, int len) {
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (int n = HALF.loopBound(len); i < n; i += H) {
            acc = acc.add(wide(x, p + i));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += x[p + i];
        }
        return s;
    }

    /** max (or min) of x[p, p + len) combined into {@code init}; NaN anywhere gives NaN. */
    static double extreme(boolean max, float[] x, int p, int len, double init) {
        FloatVector acc = FloatVector.broadcast(S, (float) init);
        int i = 0;
        int n = S.loopBound(len);
        if (max) {
            for (; i < n; i += L) acc = acc.max(at(x, p + i));
        } else {
            for (; i < n; i += L) acc = acc.min(at(x, p + i));
        }
        double r = init;
        for (float v : acc.toArray()) {
            r = max ? Math.max(r, v) : Math.min(r, v);
        }
        for (; i < len; i++) {
            r = max ? Math.max(r, x[p + i]) : Math.min(r, x[p + i]);
        }
        return r;
    }

    /** acc[j] ⊕= x[p + j] for j in [from, to), in double: ⊕ is + (kind 0), max (1) or min (2). */
    static void accumulate(int kind, float[] x, int p, double[] acc, int from, int to) {
        int j = from;
        for (int n = from + HALF.loopBound(to - from); j < n; j += H) {
            DoubleVector s = DoubleVector.fromArray(D, acc, j);
            DoubleVector v = wide(x, p + j);
            (kind == 0 ? s.add(v) : kind == 1 ? s.max(v) : s.min(v)).intoArray(acc, j);
        }
        for (; j < to; j++) {
            double v = x[p + j];
            acc[j] = kind == 0 ? acc[j] + v : kind == 1 ? Math.max(acc[j], v) : Math.min(acc[j], v);
        }
    }
}
