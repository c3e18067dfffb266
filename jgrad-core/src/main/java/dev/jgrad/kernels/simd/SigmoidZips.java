package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.UnaryFn;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The σ-based fused reverse rules ({@link BinaryFn#SOFTPLUS_BACKWARD}, {@code SILU_BACKWARD},
 * {@code GELU_BACKWARD} and their float32 forms) over one row piece, operand x at stride 1 or 0
 * and cotangent g likewise: one pass that recomputes σ instead of the unfused rule's σ pass and
 * arithmetic pass over a stored σ. σ is the σ kernel's own vector form ({@link VectorMath#sigmoid}
 * in double lanes, {@link SigmoidMaps#sigmoid(FloatVector)} in float lanes), the arithmetic in the
 * scalar definitions' order, lanes whose σ argument lies below exp's range (or is NaN) recomputed
 * from the scalar definition, and a tail shorter than a vector run through the same loop on
 * padded copies (as the σ kernel does): bit for bit what the unfused rule gives, wherever an
 * element sits.
 */
final class SigmoidZips {
    private static final int L = DoubleLanes.S.length();
    private static final VectorSpecies<Float> F = FloatLanes.S;
    private static final int FL = F.length();
    private static final DoubleVector ONE = DoubleVector.broadcast(DoubleLanes.S, 1.0);
    private static final DoubleVector GELU_A = DoubleVector.broadcast(DoubleLanes.S, UnaryFn.GELU_A);
    private static final DoubleVector GELU_3B = DoubleVector.broadcast(DoubleLanes.S, BinaryFn.GELU_3B);
    private static final float F_LIMIT = -FloatPoly.EXP_LIMIT;
    private static final FloatVector F_ONE = FloatVector.broadcast(F, 1f);
    private static final FloatVector F_GELU_A = FloatVector.broadcast(F, (float) UnaryFn.GELU_A);
    private static final FloatVector F_GELU_B = FloatVector.broadcast(F, (float) UnaryFn.GELU_B);
    private static final FloatVector F_GELU_3B = FloatVector.broadcast(F, (float) BinaryFn.GELU_3B);

    private SigmoidZips() {
    }

    /** float64 {@code o[op + i] = f(x[xp + i·sx], g[gp + i·sg])}, i &lt; len: len, or 0 when f is not one of these. */
    static int zip(BinaryFn f, double[] x, int xp, int sx, double[] g, int gp, int sg, double[] o, int op, int len) {
        MethodHandle loop = switch (f) {
            case SOFTPLUS_BACKWARD -> LOOPS[0];
            case SILU_BACKWARD -> LOOPS[1];
            case GELU_BACKWARD -> LOOPS[2];
            default -> null;
        };
        if (loop == null) {
            return 0;
        }
        int n = DoubleLanes.S.loopBound(len);
        try {
            int head = n > 0 ? (int) loop.invokeExact(x, xp, sx, g, gp, sg, o, op, n) : 0;
            if (head < len) {
                double[] tx = new double[L];
                double[] tg = new double[L];
                double[] to = new double[L];
                for (int j = 0; j < len - head; j++) {
                    tx[j] = x[xp + (head + j) * sx];
                    tg[j] = g[gp + (head + j) * sg];
                }
                int _ = (int) loop.invokeExact(tx, 0, 1, tg, 0, 1, to, 0, L);
                System.arraycopy(to, 0, o, op + head, len - head);
            }
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
        return len;
    }

    /** float32 forms of {@link #zip(BinaryFn, double[], int, int, double[], int, int, double[], int, int)}, in float lanes. */
    static int zip(BinaryFn f, float[] x, int xp, int sx, float[] g, int gp, int sg, float[] o, int op, int len) {
        MethodHandle loop = switch (f) {
            case SOFTPLUS_BACKWARD_F32 -> LOOPS[3];
            case SILU_BACKWARD_F32 -> LOOPS[4];
            case GELU_BACKWARD_F32 -> LOOPS[5];
            default -> null;
        };
        if (loop == null) {
            return 0;
        }
        int n = F.loopBound(len);
        try {
            int head = n > 0 ? (int) loop.invokeExact(x, xp, sx, g, gp, sg, o, op, n) : 0;
            if (head < len) {
                float[] tx = new float[FL];
                float[] tg = new float[FL];
                float[] to = new float[FL];
                for (int j = 0; j < len - head; j++) {
                    tx[j] = x[xp + (head + j) * sx];
                    tg[j] = g[gp + (head + j) * sg];
                }
                int _ = (int) loop.invokeExact(tx, 0, 1, tg, 0, 1, to, 0, FL);
                System.arraycopy(to, 0, o, op + head, len - head);
            }
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
        return len;
    }

    /** The loops, called through method handles the JIT cannot inline: see {@link LoopHandles}. */
    private static final MethodHandle[] LOOPS = LoopHandles.handles(MethodHandles.lookup(),
            new String[] {"softplus", "silu", "gelu"}, LoopHandles.zipType(double[].class), LoopHandles.zipType(float[].class));

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
            DoubleVector u = VectorMath.geluArgument(v);
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

    private static int softplus(float[] x, int xp, int sx, float[] g, int gp, int sg, float[] o, int op, int n) {
        FloatVector xb = FloatVector.broadcast(F, sx == 0 ? x[xp] : 0);
        FloatVector gb = FloatVector.broadcast(F, sg == 0 ? g[gp] : 0);
        int i = 0;
        for (; i < n; i += FL) {
            FloatVector v = sx == 0 ? xb : FloatVector.fromArray(F, x, xp + i);
            FloatVector w = sg == 0 ? gb : FloatVector.fromArray(F, g, gp + i);
            boolean inside = v.compare(VectorOperators.GE, F_LIMIT).allTrue();
            w.mul(SigmoidMaps.sigmoid(v)).intoArray(o, op + i);
            if (!inside) patch(BinaryFn.SOFTPLUS_BACKWARD_F32, v, v, w, o, op + i);
        }
        return i;
    }

    private static int silu(float[] x, int xp, int sx, float[] g, int gp, int sg, float[] o, int op, int n) {
        FloatVector xb = FloatVector.broadcast(F, sx == 0 ? x[xp] : 0);
        FloatVector gb = FloatVector.broadcast(F, sg == 0 ? g[gp] : 0);
        int i = 0;
        for (; i < n; i += FL) {
            FloatVector v = sx == 0 ? xb : FloatVector.fromArray(F, x, xp + i);
            FloatVector w = sg == 0 ? gb : FloatVector.fromArray(F, g, gp + i);
            boolean inside = v.compare(VectorOperators.GE, F_LIMIT).allTrue();
            FloatVector s = SigmoidMaps.sigmoid(v);
            w.mul(s.mul(v.mul(F_ONE.sub(s)).add(F_ONE))).intoArray(o, op + i);
            if (!inside) patch(BinaryFn.SILU_BACKWARD_F32, v, v, w, o, op + i);
        }
        return i;
    }

    private static int gelu(float[] x, int xp, int sx, float[] g, int gp, int sg, float[] o, int op, int n) {
        FloatVector xb = FloatVector.broadcast(F, sx == 0 ? x[xp] : 0);
        FloatVector gb = FloatVector.broadcast(F, sg == 0 ? g[gp] : 0);
        int i = 0;
        for (; i < n; i += FL) {
            FloatVector v = sx == 0 ? xb : FloatVector.fromArray(F, x, xp + i);
            FloatVector w = sg == 0 ? gb : FloatVector.fromArray(F, g, gp + i);
            FloatVector square = v.mul(v);
            FloatVector u = square.mul(F_GELU_B).add(F_GELU_A).mul(v);
            boolean inside = u.compare(VectorOperators.GE, F_LIMIT).allTrue();
            FloatVector s = SigmoidMaps.sigmoid(u);
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
        for (int j = 0; j < FL; j++) {
            if (!(args[j] >= F_LIMIT)) o[op + j] = (float) f.applyAsDouble(xs[j], gs[j]);
        }
    }
}
