package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.Kernels.Softmax;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The row form of {@link SoftmaxLoops} (slices along a contiguous last axis): for a run of rows,
 * one pass for the maxima, one for Σ exp(x − shift) (storing the exps for softmax), and one that
 * scales them (softmax) or writes (x − shift) − log s (log-softmax). Each pass is a loop compiled
 * on its own, called through a method handle ({@link LoopHandles}): compiled as one method, the
 * passes ran out of C2's inlining budget and boxed vectors (float32 log-softmax ~4.6 ns per
 * element instead of ~0.5). float64 in double lanes; float32 in float lanes: exp(x − shift) as
 * e^{−|d|} ({@link FloatPoly#expOfMinusAbs}) of the rounded difference d times 1 + its rounding
 * error (two-sum), Σ in double, softmax e·(1/s) in float (within 3 ulp of the double definition),
 * log-softmax in widened double lanes rounded once. Lanes below exp's range (or NaN, or above 0
 * when the shift is 0 for an infinite maximum) take the double definition.
 */
final class SoftmaxRows {
    private static final VectorSpecies<Double> S = DoubleLanes.S;
    private static final int L = S.length();
    private static final VectorSpecies<Float> F = FloatLanes.S;
    private static final int FL = F.length();

    private SoftmaxRows() {
    }

    private static final MethodType MAX64 = MethodType.methodType(void.class, double[].class, int.class, int.class, int.class, double[].class);
    private static final MethodType SUM64 = MethodType.methodType(void.class, double[].class, int.class, double[].class, int.class,
            int.class, int.class, double[].class, double[].class, boolean.class);
    private static final MethodType SCALE64 = MethodType.methodType(void.class, double[].class, int.class, int.class, int.class, double[].class);
    private static final MethodType LOGS64 = MethodType.methodType(void.class, double[].class, int.class, double[].class, int.class,
            int.class, int.class, double[].class, double[].class);
    private static final MethodType MAX32 = MethodType.methodType(void.class, float[].class, int.class, int.class, int.class, double[].class);
    private static final MethodType SUM32 = MethodType.methodType(void.class, float[].class, int.class, float[].class, int.class,
            int.class, int.class, double[].class, double[].class, boolean.class);
    private static final MethodType SCALE32 = MethodType.methodType(void.class, float[].class, int.class, int.class, int.class, double[].class);
    private static final MethodType LOGS32 = MethodType.methodType(void.class, float[].class, int.class, float[].class, int.class,
            int.class, int.class, double[].class, double[].class);
    /** The passes, float64 then float32: max, expSum, scale, logs. */
    private static final MethodHandle[] PASSES = {
        pass("max", MAX64), pass("expSum", SUM64), pass("scale", SCALE64), pass("logs", LOGS64),
        pass("max", MAX32), pass("expSum", SUM32), pass("scale", SCALE32), pass("logs", LOGS32),
    };

    private static MethodHandle pass(String name, MethodType type) {
        return LoopHandles.handle(MethodHandles.lookup(), SoftmaxRows.class, name, type);
    }

    /**
     * Rows r &lt; rows of x from xo (length len each) into out from oo; LOG_SUM_EXP into lse[r];
     * SOFTMAX times w[wFrom + r] when w is not null.
     */
    static void rows(Softmax mode, double[] x, int xo, double[] out, int oo, int len, int rows, double[] lse,
                     double[] w, int wFrom) {
        double[] shift = new double[rows];
        double[] s = new double[rows];
        try {
            PASSES[0].invokeExact(x, xo, len, rows, shift);
            PASSES[1].invokeExact(x, xo, out, oo, len, rows, shift, s, mode == Softmax.SOFTMAX);
            switch (mode) {
                case LOG_SUM_EXP -> {
                    for (int r = 0; r < rows; r++) lse[r] = Math.log(s[r]) + shift[r];
                }
                case SOFTMAX -> {
                    for (int r = 0; r < rows; r++) s[r] = (w == null ? 1 : w[wFrom + r]) / s[r];
                    PASSES[2].invokeExact(out, oo, len, rows, s);
                }
                case LOG_SOFTMAX -> PASSES[3].invokeExact(x, xo, out, oo, len, rows, shift, s);
            }
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /** float32 {@link #rows(Softmax, double[], int, double[], int, int, int, double[], double[], int)}. */
    static void rows(Softmax mode, float[] x, int xo, float[] out, int oo, int len, int rows, double[] lse,
                     double[] w, int wFrom) {
        double[] shift = new double[rows];
        double[] s = new double[rows];
        try {
            PASSES[4].invokeExact(x, xo, len, rows, shift);
            PASSES[5].invokeExact(x, xo, out, oo, len, rows, shift, s, mode == Softmax.SOFTMAX);
            switch (mode) {
                case LOG_SUM_EXP -> {
                    for (int r = 0; r < rows; r++) lse[r] = Math.log(s[r]) + shift[r];
                }
                case SOFTMAX -> {
                    for (int r = 0; r < rows; r++) s[r] = (w == null ? 1 : w[wFrom + r]) / s[r];
                    PASSES[6].invokeExact(out, oo, len, rows, s);
                }
                case LOG_SOFTMAX -> PASSES[7].invokeExact(x, xo, out, oo, len, rows, shift, s);
            }
        } catch (Throwable e) {
            throw LoopHandles.unchecked(e);
        }
    }

    /**
     * Each row's maximum (0 for an infinite one) into shift, by {@link DoubleLanes#extreme} (four
     * running maxima). As one chain of Java's vector max (several instructions each, for its NaN and
     * −0 rules) this pass ran at ~12 cycles per float32 vector (~0.2 ns per element on a Zen 5 core,
     * as much as the whole exp pass); four chains ~0.068 ns, float32's sortable integers
     * ({@link FloatLanes#extreme}) ~0.03.
     */
    private static void max(double[] x, int xo, int len, int rows, double[] shift) {
        for (int r = 0; r < rows; r++) {
            double m = DoubleLanes.extreme(true, x, xo + r * len, len, Double.NEGATIVE_INFINITY);
            shift[r] = Double.isInfinite(m) ? 0 : m;
        }
    }

    private static void expSum(double[] x, int xo, double[] out, int oo, int len, int rows, double[] shift, double[] s, boolean store) {
        int n = S.loopBound(len);
        for (int r = 0; r < rows; r++) {
            int p = xo + r * len;
            int q = oo + r * len;
            DoubleVector sh = DoubleVector.broadcast(S, shift[r]);
            DoubleVector sv = DoubleVector.zero(S);
            int i = 0;
            for (; i < n; i += L) {
                DoubleVector a = DoubleVector.fromArray(S, x, p + i).sub(sh);
                boolean inside = a.abs().compare(VectorOperators.LE, DoublePoly.EXP_LIMIT).allTrue();
                DoubleVector e = DoublePoly.exp(a);
                if (!inside) {
                    double[] as = a.toArray();
                    double[] es = e.toArray();
                    for (int j = 0; j < L; j++) {
                        if (!(Math.abs(as[j]) <= DoublePoly.EXP_LIMIT)) es[j] = Math.exp(as[j]);
                    }
                    e = DoubleVector.fromArray(S, es, 0);
                }
                if (store) {
                    e.intoArray(out, q + i);
                }
                sv = sv.add(e);
            }
            double sum = sv.reduceLanes(VectorOperators.ADD);
            for (; i < len; i++) {
                double e = Math.exp(x[p + i] - shift[r]);
                if (store) {
                    out[q + i] = e;
                }
                sum += e;
            }
            s[r] = sum;
        }
    }

    private static void scale(double[] out, int oo, int len, int rows, double[] s) {
        int n = S.loopBound(len);
        for (int r = 0; r < rows; r++) {
            int q = oo + r * len;
            double rs = s[r];
            DoubleVector rv = DoubleVector.broadcast(S, rs);
            int i = 0;
            for (; i < n; i += L) {
                DoubleVector.fromArray(S, out, q + i).mul(rv).intoArray(out, q + i);
            }
            for (; i < len; i++) {
                out[q + i] *= rs;
            }
        }
    }

    private static void logs(double[] x, int xo, double[] out, int oo, int len, int rows, double[] shift, double[] s) {
        int n = S.loopBound(len);
        for (int r = 0; r < rows; r++) {
            int p = xo + r * len;
            int q = oo + r * len;
            double ls = Math.log(s[r]);
            DoubleVector sh = DoubleVector.broadcast(S, shift[r]);
            DoubleVector lv = DoubleVector.broadcast(S, ls);
            int i = 0;
            for (; i < n; i += L) {
                DoubleVector.fromArray(S, x, p + i).sub(sh).sub(lv).intoArray(out, q + i);
            }
            for (; i < len; i++) {
                out[q + i] = (x[p + i] - shift[r]) - ls;
            }
        }
    }

    /** float32 {@link #max(double[], int, int, int, double[])}: {@link FloatLanes#extreme}, over sortable integers. */
    private static void max(float[] x, int xo, int len, int rows, double[] shift) {
        for (int r = 0; r < rows; r++) {
            double m = FloatLanes.extreme(true, x, xo + r * len, len, Double.NEGATIVE_INFINITY);
            shift[r] = Double.isInfinite(m) ? 0 : m;
        }
    }

    private static void expSum(float[] x, int xo, float[] out, int oo, int len, int rows, double[] shift, double[] s, boolean store) {
        int n = F.loopBound(len);
        for (int r = 0; r < rows; r++) {
            int p = xo + r * len;
            int q = oo + r * len;
            double sh = shift[r];
            FloatVector nsh = FloatVector.broadcast(F, (float) -sh);
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = DoubleVector.zero(S);
            int i = 0;
            for (; i < n; i += FL) {
                FloatVector e = expShifted(FloatVector.fromArray(F, x, p + i), nsh);
                if (store) {
                    e.intoArray(out, q + i);
                }
                s0 = s0.add((DoubleVector) e.convertShape(VectorOperators.F2D, S, 0));
                s1 = s1.add((DoubleVector) e.convertShape(VectorOperators.F2D, S, 1));
            }
            double sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
            for (; i < len; i++) {
                double e = Math.exp(x[p + i] - sh);
                if (store) {
                    out[q + i] = (float) e;
                }
                sum += e;
            }
            s[r] = sum;
        }
    }

    /**
     * exp(a − shift) in float lanes, {@code nsh} = −shift (a float; −shift ≥ −max, so a − shift ≤ 0
     * within a slice): e^{−|d|} of the rounded difference d times 1 + its two-sum rounding error.
     * Lanes outside exp's range (or NaN, or above 0 when the shift is 0 for an infinite maximum)
     * take the double definition, rounded.
     */
    static FloatVector expShifted(FloatVector a, FloatVector nsh) {
        FloatVector d = a.add(nsh);
        boolean inside = d.compare(VectorOperators.GE, -FloatPoly.EXP_LIMIT).and(d.compare(VectorOperators.LE, 0f)).allTrue();
        // Two-sum: d + err = a − shift exactly.
        FloatVector bb = d.sub(a);
        FloatVector err = a.sub(d.sub(bb)).add(nsh.sub(bb));
        FloatVector e = FloatPoly.expOfMinusAbs(d);
        e = e.fma(err, e);
        if (!inside) {
            float[] as = a.toArray();
            float[] es = e.toArray();
            float[] ds = d.toArray();
            float[] ns = nsh.toArray();
            for (int j = 0; j < FL; j++) {
                if (!(ds[j] >= -FloatPoly.EXP_LIMIT && ds[j] <= 0)) es[j] = (float) Math.exp((double) as[j] + ns[j]);
            }
            e = FloatVector.fromArray(F, es, 0);
        }
        return e;
    }

    private static void scale(float[] out, int oo, int len, int rows, double[] s) {
        int n = F.loopBound(len);
        for (int r = 0; r < rows; r++) {
            int q = oo + r * len;
            float rs = (float) s[r];
            FloatVector rv = FloatVector.broadcast(F, rs);
            int i = 0;
            for (; i < n; i += FL) {
                FloatVector.fromArray(F, out, q + i).mul(rv).intoArray(out, q + i);
            }
            for (; i < len; i++) {
                out[q + i] *= rs;
            }
        }
    }

    private static void logs(float[] x, int xo, float[] out, int oo, int len, int rows, double[] shift, double[] s) {
        int n = FloatWideLanes.HALF.loopBound(len);
        for (int r = 0; r < rows; r++) {
            int p = xo + r * len;
            int q = oo + r * len;
            double ls = Math.log(s[r]);
            DoubleVector sh = DoubleVector.broadcast(S, shift[r]);
            DoubleVector lv = DoubleVector.broadcast(S, ls);
            int i = 0;
            for (; i < n; i += FloatWideLanes.H) {
                FloatWideLanes.narrow(FloatWideLanes.wide(x, p + i).sub(sh).sub(lv), out, q + i);
            }
            for (; i < len; i++) {
                out[q + i] = (float) ((x[p + i] - shift[r]) - ls);
            }
        }
    }
}
