package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.BinaryFn;
import jdk.incubator.vector.DoubleVector;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;

/**
 * float64 binary loops over one row piece, operands with stride 1 or 0 (a broadcast element): one
 * loop per {@link BinaryFn} so the JIT sees a constant operator in each; the scalar definition for
 * the tail. Split from {@link DoubleLanes} (the unary loops and reductions).
 */
final class DoubleZips {
    private static final int L = DoubleLanes.S.length();

    private DoubleZips() {
    }

    private static DoubleVector at(double[] x, int p) {
        return DoubleVector.fromArray(DoubleLanes.S, x, p);
    }

    /**
     * {@code o[op + i] = f(a[ap + i·sa], b[bp + i·sb])} with strides 0 (a broadcast element) or 1.
     * POW has no vector form (Math.pow's special cases); it runs the scalar definition.
     */
    static void zip(BinaryFn f, double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int len) {
        int i = 0;
        int n = DoubleLanes.S.loopBound(len);
        switch (f) {
            case ADD -> i = zipAdd(a, ap, sa, b, bp, sb, o, op, n);
            case SUB -> i = zipSub(a, ap, sa, b, bp, sb, o, op, n);
            case MUL -> i = zipMul(a, ap, sa, b, bp, sb, o, op, n);
            case DIV -> i = zipDiv(a, ap, sa, b, bp, sb, o, op, n);
            case MAX -> i = zipMax(a, ap, sa, b, bp, sb, o, op, n);
            case MIN -> i = zipMin(a, ap, sa, b, bp, sb, o, op, n);
            case GT -> i = zipGt(a, ap, sa, b, bp, sb, o, op, n);
            case GE -> i = zipGe(a, ap, sa, b, bp, sb, o, op, n);
            case LT -> i = zipLt(a, ap, sa, b, bp, sb, o, op, n);
            case LE -> i = zipLe(a, ap, sa, b, bp, sb, o, op, n);
            case EQ -> i = zipEq(a, ap, sa, b, bp, sb, o, op, n);
            // Fused reverse rules: the same operations in the same order as the scalar definitions, no FMA.
            case TANH_BACKWARD -> i = zipTanhBackward(a, ap, sa, b, bp, sb, o, op, n);
            case SIGMOID_BACKWARD -> i = zipSigmoidBackward(a, ap, sa, b, bp, sb, o, op, n);
            case RELU_BACKWARD -> i = zipReluBackward(a, ap, sa, b, bp, sb, o, op, n);
            case SOFTPLUS_BACKWARD, SILU_BACKWARD, GELU_BACKWARD -> i = SigmoidZips.zip(f, a, ap, sa, b, bp, sb, o, op, len);
            default -> { }
        }
        for (; i < len; i++) {
            o[op + i] = f.applyAsDouble(a[ap + i * sa], b[bp + i * sb]);
        }
    }

    /**
     * The element of a stride-0 operand in every lane. Made inside each loop method rather than passed
     * in: C2 boxes a vector argument of a call it leaves out of line (as it may once many functions
     * have run), and then every vector merged with it in {@code load} as well — 2–3× slower.
     */
    private static DoubleVector broadcast(double[] x, int p, int stride) {
        return DoubleVector.broadcast(DoubleLanes.S, stride == 0 ? x[p] : 0);
    }

    private static DoubleVector load(double[] x, int p, int stride, DoubleVector broadcast, int i) {
        return stride == 0 ? broadcast : at(x, p + i);
    }

    private static int zipAdd(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).add(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipSub(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).sub(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipMul(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).mul(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipDiv(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).div(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipMax(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).max(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipMin(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).min(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipGt(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), GT, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipGe(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), GE, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipLt(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), LT, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipLe(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), LE, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipTanhBackward(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        DoubleVector one = DoubleVector.broadcast(DoubleLanes.S, 1.0);
        for (; i < n; i += L) {
            DoubleVector y = load(a, ap, sa, ab, i);
            load(b, bp, sb, bb, i).mul(one.sub(y.mul(y))).intoArray(o, op + i);
        }
        return i;
    }
    private static int zipSigmoidBackward(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        DoubleVector one = DoubleVector.broadcast(DoubleLanes.S, 1.0);
        for (; i < n; i += L) {
            DoubleVector y = load(a, ap, sa, ab, i);
            load(b, bp, sb, bb, i).mul(y.mul(one.sub(y))).intoArray(o, op + i);
        }
        return i;
    }
    private static int zipReluBackward(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        DoubleVector zero = DoubleVector.zero(DoubleLanes.S);
        for (; i < n; i += L) {
            load(b, bp, sb, bb, i).mul(VectorMath.indicator(load(a, ap, sa, ab, i), GT, zero)).intoArray(o, op + i);
        }
        return i;
    }
    private static int zipEq(double[] a, int ap, int sa, double[] b, int bp, int sb, double[] o, int op, int n) {
        DoubleVector ab = broadcast(a, ap, sa);
        DoubleVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), EQ, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
}
