package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.UnaryFn;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The σ-based element functions (σ, softplus, SiLU, GELU) over one contiguous row piece, each loop
 * compiled on its own ({@link LoopHandles}). float64 in double lanes. float32 σ, SiLU and softplus
 * in float lanes ({@link FloatPoly#expOfMinusAbs}, {@link FloatLog} for softplus's ln(1 + e)):
 * within 2–3 float ulp of the double definition rounded once, as PyTorch's float kernels; float32
 * GELU widened, computed in double lanes and rounded once (its argument x·(a + b·x²) rounded to
 * float would carry an error that σ multiplies by |u|). Lanes whose σ argument is below exp's
 * range (subnormal results) or NaN take the scalar definition. Returns the elements done (n, a
 * multiple of the loop's vector length: float lanes for float32 σ/SiLU/softplus, else double
 * lanes); the caller handles the rest.
 */
final class SigmoidMaps {
    private static final int L = DoubleLanes.S.length();
    private static final int H = FloatWideLanes.H;
    private static final VectorSpecies<Float> F = FloatLanes.S;
    private static final int FL = F.length();
    private static final FloatVector F_ONE = FloatVector.broadcast(F, 1f);
    private static final FloatVector F_ZERO = FloatVector.zero(F);
    private static final float F_LIMIT = -FloatPoly.EXP_LIMIT;
    private static final UnaryFn SOFTPLUS = UnaryFn.of(UnaryFn.Kind.SOFTPLUS);
    private static final UnaryFn SIGMOID = UnaryFn.of(UnaryFn.Kind.SIGMOID);
    private static final UnaryFn SILU = UnaryFn.of(UnaryFn.Kind.SILU);
    private static final UnaryFn GELU = UnaryFn.of(UnaryFn.Kind.GELU);

    private SigmoidMaps() {
    }

    /** float64 {@code o[op + i] = f(x[xp + i])}, i &lt; n; 0 when f is not σ-based. */
    static int map(UnaryFn.Kind f, double[] x, int xp, double[] o, int op, int n) {
        int at = index(f);
        if (at < 0 || n == 0) {
            return 0;
        }
        try {
            return (int) LOOPS[at].invokeExact(x, xp, o, op, n);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /**
     * float32 forms of {@link #map(UnaryFn.Kind, double[], int, double[], int, int)}: n a multiple
     * of the float vector length for σ, SiLU and softplus, of {@link FloatWideLanes#H} for GELU.
     */
    static int map(UnaryFn.Kind f, float[] x, int xp, float[] o, int op, int n) {
        int at = index(f);
        if (at < 0 || n == 0) {
            return 0;
        }
        try {
            return (int) LOOPS[NAMES.length + at].invokeExact(x, xp, o, op, n);
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    private static int index(UnaryFn.Kind f) {
        return switch (f) {
            case SIGMOID -> 0;
            case SOFTPLUS -> 1;
            case SILU -> 2;
            case GELU -> 3;
            default -> -1;
        };
    }

    private static final String[] NAMES = {"sigmoid", "softplus", "silu", "gelu"};
    private static final MethodHandle[] LOOPS = LoopHandles.handles(MethodHandles.lookup(), NAMES,
            LoopHandles.mapType(double[].class), LoopHandles.mapType(float[].class));

    // The range test comes first in each loop: the JIT inlines in order, so a size cutoff cannot
    // leave it out of line (a vector argument of an out-of-line call is boxed).

    private static int sigmoid(double[] x, int xp, double[] o, int op, int n) {
        int i = 0;
        for (; i < n; i += L) {
            DoubleVector v = DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            boolean inside = v.compare(VectorOperators.GE, -DoublePoly.EXP_LIMIT).allTrue();
            VectorMath.sigmoid(v).intoArray(o, op + i);
            if (!inside) patch(SIGMOID, v, v, o, op + i);
        }
        return i;
    }

    private static int softplus(double[] x, int xp, double[] o, int op, int n) {
        VectorMath.softplus(x, xp, o, op, n);
        return n;
    }

    private static int silu(double[] x, int xp, double[] o, int op, int n) {
        int i = 0;
        for (; i < n; i += L) {
            DoubleVector v = DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            boolean inside = v.compare(VectorOperators.GE, -DoublePoly.EXP_LIMIT).allTrue();
            v.mul(VectorMath.sigmoid(v)).intoArray(o, op + i);
            if (!inside) patch(SILU, v, v, o, op + i);
        }
        return i;
    }

    private static int gelu(double[] x, int xp, double[] o, int op, int n) {
        int i = 0;
        for (; i < n; i += L) {
            DoubleVector v = DoubleVector.fromArray(DoubleLanes.S, x, xp + i);
            DoubleVector u = VectorMath.geluArgument(v);
            boolean inside = u.compare(VectorOperators.GE, -DoublePoly.EXP_LIMIT).allTrue();
            v.mul(VectorMath.sigmoid(u)).intoArray(o, op + i);
            if (!inside) patch(GELU, u, v, o, op + i);
        }
        return i;
    }

    /** The scalar definition of x's lanes where σ's argument {@code arg} is below exp's range or NaN (x from v: o may be x). */
    private static void patch(UnaryFn f, DoubleVector arg, DoubleVector v, double[] o, int op) {
        double[] args = arg.toArray();
        double[] xs = v.toArray();
        for (int j = 0; j < L; j++) {
            if (!(args[j] >= -DoublePoly.EXP_LIMIT)) o[op + j] = f.applyAsDouble(xs[j]);
        }
    }

    /** σ of float lanes: 1/(1 + e) for x ≥ 0, e/(1 + e) otherwise, e = e^{−|x|} (as UnaryFn.sigmoid). */
    static FloatVector sigmoid(FloatVector v) {
        FloatVector e = FloatPoly.expOfMinusAbs(v);
        FloatVector d = e.add(F_ONE);
        // One division: the numerator picked per lane (e/d and 1/d as UnaryFn.sigmoid gives them).
        return e.blend(F_ONE, v.compare(VectorOperators.GE, 0f)).div(d);
    }

    private static int sigmoid(float[] x, int xp, float[] o, int op, int n) {
        int i = 0;
        for (; i < n; i += FL) {
            FloatVector v = FloatVector.fromArray(F, x, xp + i);
            boolean inside = v.compare(VectorOperators.GE, F_LIMIT).allTrue();
            sigmoid(v).intoArray(o, op + i);
            if (!inside) patch(SIGMOID, v, o, op + i);
        }
        return i;
    }

    private static int silu(float[] x, int xp, float[] o, int op, int n) {
        int i = 0;
        for (; i < n; i += FL) {
            FloatVector v = FloatVector.fromArray(F, x, xp + i);
            boolean inside = v.compare(VectorOperators.GE, F_LIMIT).allTrue();
            v.mul(sigmoid(v)).intoArray(o, op + i);
            if (!inside) patch(SILU, v, o, op + i);
        }
        return i;
    }

    private static int softplus(float[] x, int xp, float[] o, int op, int n) {
        // max(x, 0) + ln(1 + e^{−|x|}) a block at a time: e^{−|x|} into the block, ln(1 + ·) over it
        // in place (FloatLog's loop), then the sum.
        float[] e = new float[Math.min(n, 512)];
        for (int s = 0; s < n; s += e.length) {
            int m = Math.min(e.length, n - s);
            for (int i = 0; i < m; i += FL) FloatPoly.expOfMinusAbs(FloatVector.fromArray(F, x, xp + s + i)).intoArray(e, i);
            FloatLog.log(e, 0, e, 0, m, true);
            for (int i = 0; i < m; i += FL) {
                FloatVector v = FloatVector.fromArray(F, x, xp + s + i);
                boolean inside = v.compare(VectorOperators.GE, F_LIMIT).allTrue();
                v.max(F_ZERO).add(FloatVector.fromArray(F, e, i)).intoArray(o, op + s + i);
                if (!inside) patch(SOFTPLUS, v, o, op + s + i);
            }
        }
        return n;
    }

    /** The double definition rounded to float for x's lanes below exp's float range or NaN (x from v: o may be x). */
    private static void patch(UnaryFn f, FloatVector v, float[] o, int op) {
        float[] xs = v.toArray();
        for (int j = 0; j < FL; j++) {
            if (!(xs[j] >= F_LIMIT)) o[op + j] = (float) f.applyAsDouble(xs[j]);
        }
    }

    private static int gelu(float[] x, int xp, float[] o, int op, int n) {
        int i = 0;
        for (; i < n; i += H) {
            DoubleVector v = FloatWideLanes.wide(x, xp + i);
            DoubleVector u = VectorMath.geluArgument(v);
            boolean inside = u.compare(VectorOperators.GE, -DoublePoly.EXP_LIMIT).allTrue();
            FloatWideLanes.narrow(v.mul(VectorMath.sigmoid(u)), o, op + i);
            if (!inside) patch(GELU, u, v, o, op + i);
        }
        return i;
    }

    /** float32 {@link #patch(UnaryFn, DoubleVector, DoubleVector, double[], int)}: the double definition rounded to float. */
    private static void patch(UnaryFn f, DoubleVector arg, DoubleVector v, float[] o, int op) {
        double[] args = arg.toArray();
        double[] xs = v.toArray();
        for (int j = 0; j < H; j++) {
            if (!(args[j] >= -DoublePoly.EXP_LIMIT)) o[op + j] = (float) f.applyAsDouble(xs[j]);
        }
    }
}
