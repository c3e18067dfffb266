package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.UnaryFn;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 element functions computed in widened double lanes and rounded to float once: those
 * whose parameter is not a float (a slope of 0.01, say) and GELU (its loop is in
 * {@link SigmoidMaps}). The result is the double
 * definition rounded once, as the scalar kernels give it. Also the float→double widening used by
 * float sums.
 */
final class FloatWideLanes {
    private static final VectorSpecies<Double> D = DoubleLanes.S;
    /** Floats that widen to one double vector. */
    static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    static final int H = HALF.length();

    private FloatWideLanes() {
    }

    static DoubleVector wide(float[] x, int p) {
        return (DoubleVector) FloatVector.fromArray(HALF, x, p).convertShape(VectorOperators.F2D, D, 0);
    }

    static void narrow(DoubleVector v, float[] o, int p) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, HALF, 0)).intoArray(o, p);
    }

    /** Functions computed in double lanes and rounded once (a parameter is not a float, or float lanes lose digits); returns elements done. */
    static int map(UnaryFn f, float[] x, int xp, float[] o, int op, int len) {
        int i = 0;
        int n = HALF.loopBound(len);
        DoubleVector a = DoubleVector.broadcast(D, f.a());
        DoubleVector b = DoubleVector.broadcast(D, f.b());
        switch (f.kind()) {
            case LEAKY_RELU -> i = wideLeakyRelu(x, xp, o, op, n, a, b);
            case ADD_SCALAR -> i = wideAddScalar(x, xp, o, op, n, a, b);
            case MUL_SCALAR -> i = wideMulScalar(x, xp, o, op, n, a, b);
            case CLAMP -> i = wideClamp(x, xp, o, op, n, a, b);
            case GELU -> i = SigmoidMaps.map(f.kind(), x, xp, o, op, n);
            default -> throw new IllegalStateException(f.kind().toString());
        }
        return i;
    }

    private static int wideLeakyRelu(float[] x, int xp, float[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += H) narrow(VectorMath.leakyRelu(wide(x, xp + i), a), o, op + i);
        return i;
    }
    private static int wideAddScalar(float[] x, int xp, float[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += H) narrow(wide(x, xp + i).add(a), o, op + i);
        return i;
    }
    private static int wideMulScalar(float[] x, int xp, float[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += H) narrow(wide(x, xp + i).mul(a), o, op + i);
        return i;
    }
    private static int wideClamp(float[] x, int xp, float[] o, int op, int n, DoubleVector a, DoubleVector b) {
        int i = 0;
        for (; i < n; i += H) narrow(VectorMath.clamp(wide(x, xp + i), a, b), o, op + i);
        return i;
    }
}
