package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.UnaryFn;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The σ-based fused reverse rules ({@link BinaryFn#SOFTPLUS_BACKWARD}, {@code SILU_BACKWARD},
 * {@code GELU_BACKWARD} and their float32 forms) over one row piece, operand x at stride 1 or 0
 * and cotangent g likewise: one pass that recomputes σ instead of the unfused rule's σ pass and
 * arithmetic pass over a stored σ. σ is {@link VectorMath#sigmoid} in double lanes (float32
 * widened and the σ rounded to float, as the float32 σ kernel does), the arithmetic in the
 * scalar definitions' order, and lanes whose σ argument lies below exp's range (or is NaN) are
 * recomputed from the scalar definition: bit for bit what the unfused rule gives on the same lanes.
 * Returns the elements done; the caller runs the scalar definition for the rest.
 */
final class SigmoidZips {
    private static final int L = DoubleLanes.S.length();
    private static final int H = FloatWideLanes.H;
    private static final DoubleVector ONE = DoubleVector.broadcast(DoubleLanes.S, 1.0);
    private static final DoubleVector GELU_A = DoubleVector.broadcast(DoubleLanes.S, UnaryFn.GELU_A);
    private static final DoubleVector GELU_B = DoubleVector.broadcast(DoubleLanes.S, UnaryFn.GELU_B);
    private static final DoubleVector GELU_3B = DoubleVector.broadcast(DoubleLanes.S, BinaryFn.GELU_3B);
    private static final float F_LIMIT = (float) -DoublePoly.EXP_LIMIT;
    private static final FloatVector F_ONE = FloatVector.broadcast(FloatWideLanes.HALF, 1f);
    private static final FloatVector F_GELU_A = FloatVector.broadcast(FloatWideLanes.HALF, (float) UnaryFn.GELU_A);
    private static final FloatVector F_GELU_B = FloatVector.broadcast(FloatWideLanes.HALF, (float) UnaryFn.GELU_B);
    private static final FloatVector F_GELU_3B = FloatVector.broadcast(FloatWideLanes.HALF, (float) BinaryFn.GELU_3B);

    private SigmoidZips() {
    }

    /** float64: elements of {@code o[op + i] = f(x[xp + i·sx], g[gp + i·sg])} done, i &lt; n (a multiple of the vector length). */
    static int zip(BinaryFn f, double[] x, int xp, int sx, double[] g, int gp, int sg, double[] o, int op, int n) {
        MethodHandle loop = switch (f) {
            case SOFTPLUS_BACKWARD -> LOOPS[0];
            case SILU_BACKWARD -> LOOPS[1];
            case GELU_BACKWARD -> LOOPS[2];
            default -> null;
        };
        if (loop == null) {
            return 0;
        }
        try {
            return (int) loop.invokeExact(x, xp, sx, g, gp, sg, o, op, n);
        } catch (Throwable e) {
            throw SigmoidLoops.unchecked(e);
        }
    }

    /** float32 forms: as {@link #zip(BinaryFn, double[], int, int, double[], int, int, double[], int, int)}, n a multiple of {@link FloatWideLanes#H}. */
    static int zip(BinaryFn f, float[] x, int xp, int sx, float[] g, int gp, int sg, float[] o, int op, int n) {
        MethodHandle loop = switch (f) {
            case SOFTPLUS_BACKWARD_F32 -> LOOPS[3];
            case SILU_BACKWARD_F32 -> LOOPS[4];
            case GELU_BACKWARD_F32 -> LOOPS[5];
            default -> null;
        };
        if (loop == null) {
            return 0;
        }
        try {
            return (int) loop.invokeExact(x, xp, sx, g, gp, sg, o, op, n);
        } catch (Throwable e) {
            throw SigmoidLoops.unchecked(e);
        }
    }

    /** The loops, called through method handles the JIT cannot inline: see {@link SigmoidLoops}. */
    private static final MethodHandle[] LOOPS = SigmoidLoops.handles(MethodHandles.lookup(),
            new String[] {"softplus", "silu", "gelu"}, SigmoidLoops.zipType(double[].class), SigmoidLoops.zipType(float[].class));

    // Each loop makes its operands' broadcasts itself: see DoubleZips.broadcast.

    private static int softplus(double[] x, int xp, int sx, double[] g, int gp, int sg, double[] o, int op, int n) {
        DoubleVector xb = DoubleVector.broadcast(DoubleLanes.S, sx == 0 ? x[xp] : 0);
        DoubleVector gb = DoubleVector.broadcast(DoubleLanes.S, sg == 0 ? g[gp] : 0);
        int i = 0;
        for (; i < n; i += L) {
            DoubleVector v = sx == 0 ? xb : DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            DoubleVector w = sg == 0 ? gb : DoubleVector.fromArray(DoubleLanes.S, g, gp + i);
            // The range test first: the JIT inlines in order, so it is not what a size cutoff leaves out.
            boolean inside = v.compare(VectorOperators.GE, -DoublePoly.EXP_LIMIT).allTrue();
            w.mul(VectorMath.sigmoid(v)).intoArray(o, op + i);
            if (!inside) patch(BinaryFn.SOFTPLUS_BACKWARD, v, v, w, o, op + i);
        }
        return i;
    }

    private static int silu(double[] x, int xp, int sx, double[] g, int gp, int sg, double[] o, int op, int n) {
        DoubleVector xb = DoubleVector.broadcast(DoubleLanes.S, sx == 0 ? x[xp] : 0);
        DoubleVector gb = DoubleVector.broadcast(DoubleLanes.S, sg == 0 ? g[gp] : 0);
        int i = 0;
        for (; i < n; i += L) {
            DoubleVector v = sx == 0 ? xb : DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            DoubleVector w = sg == 0 ? gb : DoubleVector.fromArray(DoubleLanes.S, g, gp + i);
            boolean inside = v.compare(VectorOperators.GE, -DoublePoly.EXP_LIMIT).allTrue();
            DoubleVector s = VectorMath.sigmoid(v);
            w.mul(s.mul(v.mul(ONE.sub(s)).add(ONE))).intoArray(o, op + i);
            if (!inside) patch(BinaryFn.SILU_BACKWARD, v, v, w, o, op + i);
        }
        return i;
    }

    private static int gelu(double[] x, int xp, int sx, double[] g, int gp, int sg, double[] o, int op, int n) {
        DoubleVector xb = DoubleVector.broadcast(DoubleLanes.S, sx == 0 ? x[xp] : 0);
        DoubleVector gb = DoubleVector.broadcast(DoubleLanes.S, sg == 0 ? g[gp] : 0);
        int i = 0;
        for (; i < n; i += L) {
            DoubleVector v = sx == 0 ? xb : DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            DoubleVector w = sg == 0 ? gb : DoubleVector.fromArray(DoubleLanes.S, g, gp + i);
            DoubleVector square = v.mul(v);
            DoubleVector u = square.mul(GELU_B).add(GELU_A).mul(v);
            boolean inside = u.compare(VectorOperators.GE, -DoublePoly.EXP_LIMIT).allTrue();
            DoubleVector s = VectorMath.sigmoid(u);
            DoubleVector slope = square.mul(GELU_3B).add(GELU_A);
            w.mul(s.add(v.mul(s).mul(ONE.sub(s)).mul(slope))).intoArray(o, op + i);
            if (!inside) patch(BinaryFn.GELU_BACKWARD, u, v, w, o, op + i);
        }
        return i;
    }

    /** The scalar definition for the lanes where {@code arg} (σ's argument) is below exp's range or NaN; x, g from the vectors (o may alias either). */
    private static void patch(BinaryFn f, DoubleVector arg, DoubleVector v, DoubleVector w, double[] o, int op) {
        double[] args = arg.toArray();
        double[] xs = v.toArray();
        double[] gs = w.toArray();
        for (int j = 0; j < L; j++) {
            if (!(args[j] >= -DoublePoly.EXP_LIMIT)) o[op + j] = f.applyAsDouble(xs[j], gs[j]);
        }
    }

    /** σ of float lanes as the float32 σ kernel computes it: widened, σ in double, rounded to float. */
    private static FloatVector sigmoid(FloatVector u) {
        DoubleVector d = (DoubleVector) u.convertShape(VectorOperators.F2D, DoubleLanes.S, 0);
        return (FloatVector) VectorMath.sigmoid(d).convertShape(VectorOperators.D2F, FloatWideLanes.HALF, 0);
    }

    private static int softplus(float[] x, int xp, int sx, float[] g, int gp, int sg, float[] o, int op, int n) {
        FloatVector xb = FloatVector.broadcast(FloatWideLanes.HALF, sx == 0 ? x[xp] : 0);
        FloatVector gb = FloatVector.broadcast(FloatWideLanes.HALF, sg == 0 ? g[gp] : 0);
        int i = 0;
        for (; i < n; i += H) {
            FloatVector v = sx == 0 ? xb : FloatVector.fromArray(FloatWideLanes.HALF, x, xp + i);
            FloatVector w = sg == 0 ? gb : FloatVector.fromArray(FloatWideLanes.HALF, g, gp + i);
            boolean inside = v.compare(VectorOperators.GE, F_LIMIT).allTrue();
            w.mul(sigmoid(v)).intoArray(o, op + i);
            if (!inside) patch(BinaryFn.SOFTPLUS_BACKWARD_F32, v, v, w, o, op + i);
        }
        return i;
    }

    private static int silu(float[] x, int xp, int sx, float[] g, int gp, int sg, float[] o, int op, int n) {
        FloatVector xb = FloatVector.broadcast(FloatWideLanes.HALF, sx == 0 ? x[xp] : 0);
        FloatVector gb = FloatVector.broadcast(FloatWideLanes.HALF, sg == 0 ? g[gp] : 0);
        int i = 0;
        for (; i < n; i += H) {
            FloatVector v = sx == 0 ? xb : FloatVector.fromArray(FloatWideLanes.HALF, x, xp + i);
            FloatVector w = sg == 0 ? gb : FloatVector.fromArray(FloatWideLanes.HALF, g, gp + i);
            boolean inside = v.compare(VectorOperators.GE, F_LIMIT).allTrue();
            FloatVector s = sigmoid(v);
            w.mul(s.mul(v.mul(F_ONE.sub(s)).add(F_ONE))).intoArray(o, op + i);
            if (!inside) patch(BinaryFn.SILU_BACKWARD_F32, v, v, w, o, op + i);
        }
        return i;
    }

    private static int gelu(float[] x, int xp, int sx, float[] g, int gp, int sg, float[] o, int op, int n) {
        FloatVector xb = FloatVector.broadcast(FloatWideLanes.HALF, sx == 0 ? x[xp] : 0);
        FloatVector gb = FloatVector.broadcast(FloatWideLanes.HALF, sg == 0 ? g[gp] : 0);
        int i = 0;
        for (; i < n; i += H) {
            FloatVector v = sx == 0 ? xb : FloatVector.fromArray(FloatWideLanes.HALF, x, xp + i);
            FloatVector w = sg == 0 ? gb : FloatVector.fromArray(FloatWideLanes.HALF, g, gp + i);
            FloatVector square = v.mul(v);
            FloatVector u = square.mul(F_GELU_B).add(F_GELU_A).mul(v);
            boolean inside = u.compare(VectorOperators.GE, F_LIMIT).allTrue();
            FloatVector s = sigmoid(u);
            FloatVector slope = square.mul(F_GELU_3B).add(F_GELU_A);
            w.mul(s.add(v.mul(s).mul(F_ONE.sub(s)).mul(slope))).intoArray(o, op + i);
            if (!inside) patch(BinaryFn.GELU_BACKWARD_F32, u, v, w, o, op + i);
        }
        return i;
    }

    private static void patch(BinaryFn f, FloatVector arg, FloatVector v, FloatVector w, float[] o, int op) {
        float[] args = arg.toArray();
        float[] xs = v.toArray();
        float[] gs = w.toArray();
        for (int j = 0; j < H; j++) {
            if (!(args[j] >= -DoublePoly.EXP_LIMIT)) o[op + j] = (float) f.applyAsDouble(xs[j], gs[j]);
        }
    }
}
