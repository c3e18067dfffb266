package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.UnaryFn;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

    /**
     * o[op + i] = tan x, rounded to float, for i &lt; n (a multiple of {@link #H}): x widened, reduced
     * as {@link DoublePoly#sinCos} reduces (q·π/2 + r, three parts of π/2), then FreeBSD's float
     * kernel (k_tanf.c: tan r ≈ r + r³·P(r²), six terms, |tan r/r − that| &lt; 2^−25.5 on
     * [−π/4, π/4]) and −1/tan r for odd q, in double lanes: within 0.86 float ulp of tan x before
     * the one rounding, so within 1 ulp of the correctly rounded float (checked on a dense sample).
     * Lanes with |x| beyond {@link DoublePoly#TRIG_LIMIT} (or NaN, ±∞) get Math.tan rounded.
     */
    static int tan(float[] x, int xp, float[] o, int op, int n) {
        int i = 0;
        for (; i < n; i += H) {
            DoubleVector v = wide(x, xp + i);
            DoubleVector a = v.abs();
            boolean inside = a.compare(VectorOperators.LE, DoublePoly.TRIG_LIMIT).allTrue();
            DoubleVector qd = a.fma(DoublePoly.TWO_OVER_PI, DoublePoly.MAGIC);
            DoubleVector q = qd.sub(DoublePoly.MAGIC);
            DoubleVector r1 = q.fma(NEG_PIO2_1, a);
            DoubleVector w = q.mul(DoublePoly.PIO2_2);
            DoubleVector rh = r1.sub(w);
            DoubleVector r = rh.sub(q.fma(PIO2_3, w.sub(r1.sub(rh))));
            DoubleVector z = r.mul(r);
            DoubleVector z2 = z.mul(z);
            DoubleVector s = z.mul(r);
            // (r + s·(T0 + z·T1)) + s·z²·((T2 + z·T3) + z²·(T4 + z·T5)), k_tanf's grouping.
            DoubleVector t = s.mul(z2).fma(z2.fma(z.fma(TF5, TF4), z.fma(TF3, TF2)), s.fma(z.fma(TF1, TF0), r));
            VectorMask<Double> odd = qd.reinterpretAsLongs().lanewise(VectorOperators.LSHL, 63)
                    .compare(VectorOperators.LT, 0L).cast(D);
            DoubleVector y = t.blend(NEG_ONE.div(t), odd);
            narrow(y.reinterpretAsLongs().lanewise(VectorOperators.XOR, v.reinterpretAsLongs().and(Long.MIN_VALUE))
                    .reinterpretAsDoubles(), o, op + i);
            if (!inside) {
                double[] xs = v.toArray();
                for (int j = 0; j < H; j++) {
                    if (!(Math.abs(xs[j]) <= DoublePoly.TRIG_LIMIT)) o[op + i + j] = (float) Math.tan(xs[j]);
                }
            }
        }
        return i;
    }

    /**
     * float32 xᵃ (a ≠ 2) in double lanes, rounded once: exp(a·ln x) ({@link DoubleLog},
     * {@link DoublePoly#exp}) for 0 &lt; x &lt; ∞, whose a·ln x carries a few double ulp, far below a
     * float's, so the result is within 1 float ulp of (float) Math.pow. A finite x &lt; 0 is computed
     * as |x|ᵃ and then given pow's sign rule (NaN unless a is an integer, negated for an odd one),
     * so signed data stays in the vector passes; the other lanes (±0, ±∞, NaN) take Math.pow. n a
     * multiple of {@link #H}; o may be x.
     */
    static int pow(float[] x, int xp, float[] o, int op, int n, double a) {
        // log and exp run through method handles, compiled on their own: inlined here, they took
        // C2 past its node-count cutoff, which left exp's vector helper out of line (boxed
        // vectors, ~8.6 ns per element).
        int block = Math.min(n, 512);
        double[] in = new double[block];
        double[] w = new double[block];
        DoubleVector av = DoubleVector.broadcast(D, a);
        boolean integral = a == Math.rint(a) && Math.abs(a) < 0x1p53;
        boolean odd = integral && ((long) a & 1) != 0;
        for (int s = 0; s < n; s += block) {
            int m = Math.min(block, n - s);
            for (int i = 0; i < m; i += H) {
                DoubleVector v = wide(x, xp + s + i);
                v.intoArray(in, i);
                v.abs().intoArray(w, i);
            }
            try {
                // ln |x|, in place.
                POW_PASSES[0].invokeExact(w, 0, w, 0, m, false);
                for (int i = 0; i < m; i += H) DoubleVector.fromArray(D, w, i).mul(av).intoArray(w, i);
                POW_PASSES[1].invokeExact(w, 0, w, 0, m);
            } catch (Throwable e) {
                throw LoopHandles.unchecked(e);
            }
            for (int i = 0; i < m; i += H) {
                // pow's sign rule for x < 0: |x|ᵃ for an even integer a, −|x|ᵃ for an odd one, else NaN.
                DoubleVector r = DoubleVector.fromArray(D, w, i);
                VectorMask<Double> negative = DoubleVector.fromArray(D, in, i).compare(VectorOperators.LT, 0);
                r = !integral ? r.blend(Double.NaN, negative) : odd ? r.blend(r.neg(), negative) : r;
                narrow(r, o, op + s + i);
            }
            for (int i = 0; i < m; i++) {
                double v = in[i];
                if (!(v != 0 && Math.abs(v) < Double.POSITIVE_INFINITY)) {
                    o[op + s + i] = (float) Math.pow(v, a);
                }
            }
        }
        return n;
    }

    /** {@link DoubleLog#log} and {@link DoublePoly#exp} over arrays, called so the JIT cannot inline them. */
    private static final MethodHandle[] POW_PASSES = {
        LoopHandles.handle(MethodHandles.lookup(), DoubleLog.class, "log", MethodType.methodType(void.class, double[].class, int.class, double[].class, int.class,
                int.class, boolean.class)),
        LoopHandles.handle(MethodHandles.lookup(), DoublePoly.class, "exp", MethodType.methodType(void.class, double[].class, int.class, double[].class, int.class,
                int.class)),
    };

    // FreeBSD's k_tanf.c coefficients (tan r/r − 1 in powers of r² on [−π/4, π/4]).
    private static final DoubleVector TF0 = DoubleVector.broadcast(D, 0x15554d3418c99fp-54);
    private static final DoubleVector TF1 = DoubleVector.broadcast(D, 0x1112fd38999f72p-55);
    private static final DoubleVector TF2 = DoubleVector.broadcast(D, 0x1b54c91d865afep-57);
    private static final DoubleVector TF3 = DoubleVector.broadcast(D, 0x191df3908c33cep-58);
    private static final DoubleVector TF4 = DoubleVector.broadcast(D, 0x185dadfcecf44ep-61);
    private static final DoubleVector TF5 = DoubleVector.broadcast(D, 0x1362b9bf971bcdp-59);
    private static final DoubleVector NEG_ONE = DoubleVector.broadcast(D, -1);
    private static final DoubleVector NEG_PIO2_1 = DoubleVector.broadcast(D, -DoublePoly.PIO2_1);
    private static final DoubleVector PIO2_3 = DoubleVector.broadcast(D, DoublePoly.PIO2_3);

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
