package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.BinaryFn;
import jdk.incubator.vector.FloatVector;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;

/**
 * float32 binary loops over one row piece, operands with stride 1 or 0 (a broadcast element): one
 * loop per {@link BinaryFn} so the JIT sees a constant operator in each; the scalar definition for
 * the tail. Split from {@link FloatLanes} (the unary loops and reductions).
 */
final class FloatZips {
    private static final int L = FloatLanes.S.length();

    private FloatZips() {
    }

    private static FloatVector at(float[] x, int p) {
        return FloatVector.fromArray(FloatLanes.S, x, p);
    }

    /** {@code o[op + i] = f(a[ap + i·sa], b[bp + i·sb])} with strides 0 or 1; POW runs the scalar definition. */
    static void zip(BinaryFn f, float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int len) {
        int i = 0;
        int n = FloatLanes.S.loopBound(len);
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
            case TANH_BACKWARD_F32 -> i = zipTanhBackward(a, ap, sa, b, bp, sb, o, op, n);
            case SIGMOID_BACKWARD_F32 -> i = zipSigmoidBackward(a, ap, sa, b, bp, sb, o, op, n);
            case RELU_BACKWARD -> i = zipReluBackward(a, ap, sa, b, bp, sb, o, op, n);
            case SOFTPLUS_BACKWARD_F32, SILU_BACKWARD_F32, GELU_BACKWARD_F32 ->
                    i = SigmoidZips.zip(f, a, ap, sa, b, bp, sb, o, op, len);
            default -> { }
        }
        for (; i < len; i++) {
            o[op + i] = (float) f.applyAsDouble(a[ap + i * sa], b[bp + i * sb]);
        }
    }

    /**
     * The element of a stride-0 operand in every lane. Made inside each loop method rather than passed
     * in: C2 boxes a vector argument of a call it leaves out of line (as it may once many functions
     * have run), and then every vector merged with it in {@code load} as well — 2–3× slower.
     */
    private static FloatVector broadcast(float[] x, int p, int stride) {
        return FloatVector.broadcast(FloatLanes.S, stride == 0 ? x[p] : 0);
    }

    private static FloatVector load(float[] x, int p, int stride, FloatVector broadcast, int i) {
        return stride == 0 ? broadcast : at(x, p + i);
    }

    private static int zipAdd(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).add(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipSub(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).sub(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipMul(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).mul(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipDiv(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).div(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipMax(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).max(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipMin(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) load(a, ap, sa, ab, i).min(load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipGt(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), GT, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipGe(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), GE, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipLt(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), LT, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipLe(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), LE, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
    private static int zipTanhBackward(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        FloatVector one = FloatVector.broadcast(FloatLanes.S, 1f);
        for (; i < n; i += L) {
            FloatVector y = load(a, ap, sa, ab, i);
            load(b, bp, sb, bb, i).mul(one.sub(y.mul(y))).intoArray(o, op + i);
        }
        return i;
    }
    private static int zipSigmoidBackward(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        FloatVector one = FloatVector.broadcast(FloatLanes.S, 1f);
        for (; i < n; i += L) {
            FloatVector y = load(a, ap, sa, ab, i);
            load(b, bp, sb, bb, i).mul(y.mul(one.sub(y))).intoArray(o, op + i);
        }
        return i;
    }
    private static int zipReluBackward(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        FloatVector zero = FloatVector.zero(FloatLanes.S);
        for (; i < n; i += L) {
            load(b, bp, sb, bb, i).mul(VectorMath.indicator(load(a, ap, sa, ab, i), GT, zero)).intoArray(o, op + i);
        }
        return i;
    }
    private static int zipEq(float[] a, int ap, int sa, float[] b, int bp, int sb, float[] o, int op, int n) {
        FloatVector ab = broadcast(a, ap, sa);
        FloatVector bb = broadcast(b, bp, sb);
        int i = 0;
        for (; i < n; i += L) VectorMath.indicator(load(a, ap, sa, ab, i), EQ, load(b, bp, sb, bb, i)).intoArray(o, op + i);
        return i;
    }
}
