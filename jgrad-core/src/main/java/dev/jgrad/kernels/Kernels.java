package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Storage;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The only code that loops over primitive arrays in bulk. Every method writes a freshly allocated,
 * contiguous output storage; inputs are read through a {@link Layout} (any strides, stride 0 for
 * broadcast). Implementations: {@link ScalarKernels} (the reference, always present) and, when the
 * vector module is readable, a SIMD one; {@link KernelProvider} chooses once at start-up.
 */
public interface Kernels {

    /** Short name shown to users, e.g. "scalar". */
    String name();

    /** {@code out[i] = src[layout(i)]}: materialises any layout into row-major order. */
    void copy(Storage src, Layout layout, Storage out);

    /** {@code dst[ld(i)] = src[ls(i)]}: strided-to-strided copy of two layouts of the same shape. */
    void copyInto(Storage src, Layout ls, Storage dst, Layout ld);

    /**
     * Gather along {@code axis}: {@code out[p] = x[p with p[axis] replaced by index[li(p)]]} for every
     * multi-index {@code p} of {@code li.shape()} (the output's shape; {@code out} is row-major).
     * Index values are already validated to lie in {@code [0, x.size(axis))}.
     */
    void gather(Storage x, Layout lx, int axis, int[] index, Layout li, Storage out);

    /**
     * Scatter-add along {@code axis}, the transpose of {@link #gather}: for every multi-index
     * {@code p} of {@code ls.shape()}, {@code dst[p with p[axis] replaced by index[li(p)]] += src[ls(p)]}
     * (repeated indices accumulate). {@code ld} is the destination's full layout; index values are
     * already validated.
     */
    void scatterAdd(Storage src, Layout ls, int axis, int[] index, Layout li, Storage dst, Layout ld);

    /**
     * {@code out[i] = f(x[lx(i)])}. Ops pass a {@link UnaryFn} where one fits, so a vectorised
     * implementation can recognise the function; any other operator is applied element by element.
     */
    void map(DoubleUnaryOperator f, Storage x, Layout lx, Storage out);

    /**
     * {@code out[i] = f(a[la(i)], b[lb(i)])}; {@code la} and {@code lb} have the output's shape.
     * Ops pass a {@link BinaryFn} where one fits (recognisable by a vectorised implementation).
     */
    void zip(DoubleBinaryOperator f, Storage a, Layout la, Storage b, Layout lb, Storage out);

    /** {@code out[i] = c[lc(i)] != 0 ? a[la(i)] : b[lb(i)]}; all layouts have the output's shape. */
    void select(Storage c, Layout lc, Storage a, Layout la, Storage b, Layout lb, Storage out);

    /**
     * Reduces {@code x} over the axes flagged in {@code axes}; {@code out} holds the result in the
     * row-major order of the kept-dims shape. Empty reductions give the identity (0 for sum,
     * -inf for max, +inf for min). MAX and MIN are folds of Math.max and Math.min: a NaN in the
     * slice gives NaN, and +0 counts as above −0.
     */
    void reduce(Reduction kind, Storage x, Layout lx, boolean[] axes, Storage out);

    /**
     * Index of the first maximum ({@code max = true}) or minimum along {@code axis}, written as a
     * double into the kept-dims output. NaN counts as the extreme, as in NumPy.
     */
    void argReduce(boolean max, Storage x, Layout lx, int axis, Storage out);

    /**
     * One matrix product {@code C = A·B} with {@code A} m×k and {@code B} k×n read through row and
     * column strides (so transposed operands need no copy); {@code C} is dense row-major at
     * {@code cOff}.
     */
    void matmul(Storage a, int aOff, int aRowStride, int aColStride,
                Storage b, int bOff, int bRowStride, int bColStride,
                Storage c, int cOff, int m, int k, int n);

    /**
     * A batch of matrix products with shared shapes and strides: for every {@code i},
     * {@code C_i = A_i·B_i} with the operands at {@code aOffs[i]}, {@code bOffs[i]} and C at
     * {@code cOffs[i]}, exactly as {@link #matmul}. One call per batched product, so an
     * implementation can split the batches across threads; this default runs them one by one.
     */
    default void matmulBatched(Storage a, int[] aOffs, int aRowStride, int aColStride,
                               Storage b, int[] bOffs, int bRowStride, int bColStride,
                               Storage c, int[] cOffs, int m, int k, int n) {
        for (int i = 0; i < cOffs.length; i++) {
            matmul(a, aOffs[i], aRowStride, aColStride, b, bOffs[i], bRowStride, bColStride, c, cOffs[i], m, k, n);
        }
    }

    /**
     * {@code acc[i] += src[i]} for every element of {@code acc}: in-place accumulation into a buffer
     * the caller owns (the reverse engine's gradient sums). Same dtype; {@code src} is read row-major
     * from index 0. The sum is rounded exactly as an out-of-place add would round it.
     */
    default void addInto(Storage acc, Storage src) {
        if (acc instanceof Storage.F64(double[] a, _) && src instanceof Storage.F64(double[] s, _)) {
            for (int i = 0; i < a.length; i++) {
                a[i] += s[i];
            }
        } else if (acc instanceof Storage.F32(float[] a, _) && src instanceof Storage.F32(float[] s, _)) {
            for (int i = 0; i < a.length; i++) {
                a[i] += s[i];
            }
        } else {
            for (int i = 0; i < acc.length(); i++) {
                acc.set(i, acc.get(i) + src.get(i));
            }
        }
    }

    /**
     * Elements per block of a whole-array sum: the sum of a contiguous array is the in-order total of
     * its blocks' {@link #sumRange} values (block b covers {@code [b·SUM_BLOCK, (b + 1)·SUM_BLOCK)}).
     * The blocks do not depend on the number of threads, so neither does the result, and a deferred
     * expression can sum each block while it is still in cache ({@link dev.jgrad.tensor.Deferred}).
     */
    int SUM_BLOCK = 1 << 16;

    /** Number of {@link #SUM_BLOCK} blocks covering {@code n} elements (the last one may be short). */
    static int sumBlocks(int n) {
        return (int) (((long) n + SUM_BLOCK - 1) / SUM_BLOCK);
    }

    /**
     * {@code x[off] + … + x[off + n − 1]} accumulated in double (float32 widened exactly), always in
     * the same order for the same range: one block of a whole-array sum ({@link #SUM_BLOCK}).
     */
    default double sumRange(Storage x, int off, int n) {
        double s = 0;
        if (x instanceof Storage.F64(double[] d, _)) {
            for (int i = 0; i < n; i++) {
                s += d[off + i];
            }
        } else if (x instanceof Storage.F32(float[] f, _)) {
            for (int i = 0; i < n; i++) {
                s += f[off + i];
            }
        }
        return s;
    }

    /**
     * sin and cos of one range in one call, for a deferred expression that needs both of the same
     * operand: {@code sin[sinOff + i] = sin(x[xOff + i])} and {@code cos[cosOff + i] = cos(x[xOff + i])}
     * for {@code i < n}, same dtype. The values are exactly those of two {@link #mapRange} calls;
     * an implementation may share the argument reduction between the two.
     */
    default void sinCosRange(Storage x, int xOff, Storage sin, int sinOff, Storage cos, int cosOff, int n) {
        mapRange(UnaryFn.of(UnaryFn.Kind.SIN), x, xOff, sin, sinOff, n);
        mapRange(UnaryFn.of(UnaryFn.Kind.COS), x, xOff, cos, cosOff, n);
    }

    /**
     * {@code out[outOff + i] = f(x[xOff + i])} for {@code i < n}, same dtype: one step of a deferred
     * element-wise expression ({@link dev.jgrad.tensor.Deferred}). Every element must get exactly the
     * value {@link #map} gives it, wherever it sits in a range: implementations never let an
     * element's result depend on its position.
     */
    default void mapRange(UnaryFn f, Storage x, int xOff, Storage out, int outOff, int n) {
        if (x instanceof Storage.F64(double[] s, _) && out instanceof Storage.F64(double[] o, _)) {
            for (int i = 0; i < n; i++) {
                o[outOff + i] = f.applyAsDouble(s[xOff + i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out.set(outOff + i, f.applyAsDouble(x.get(xOff + i)));
            }
        }
    }

    /**
     * {@code out[outOff + i] = f(a[aOff + i·aStride], b[bOff + i·bStride])} for {@code i < n}, strides
     * 0 (one broadcast element) or 1, one dtype: the binary step of a deferred expression, with
     * {@link #zip}'s values exactly (see {@link #mapRange}).
     */
    default void zipRange(BinaryFn f, Storage a, int aOff, int aStride, Storage b, int bOff, int bStride,
                          Storage out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.set(outOff + i, f.applyAsDouble(a.get(aOff + i * aStride), b.get(bOff + i * bStride)));
        }
    }

    /**
     * {@code out[outOff + i] = p(leaves)} for {@code i < n}: leaf l's element is
     * {@code leaves[l][offsets[l] + i]}, or {@code leaves[l][offsets[l]]} when it broadcasts. All
     * storages have the output's dtype. The values are {@link ArithProgram#apply}'s, bit for bit.
     */
    default void arithRange(ArithProgram p, Storage[] leaves, int[] offsets, Storage out, int outOff, int n) {
        boolean f32 = out.dtype() == DType.FLOAT32;
        double[] values = new double[p.leaves()];
        double[] stack = new double[p.scratch()];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < values.length; l++) {
                values[l] = leaves[l].get(offsets[l] + (p.broadcast(l) ? 0 : i));
            }
            out.set(outOff + i, p.apply(values, stack, f32));
        }
    }

    /** The reductions {@link #reduce} knows: SUM_OF_SQUARES is Σ x², each square taken in double. */
    enum Reduction { SUM, MAX, MIN, SUM_OF_SQUARES }

    /** What {@link #softmax} writes: log Σ exp per slice, or per element exp(x − lse) or x − lse. */
    enum Softmax { LOG_SUM_EXP, SOFTMAX, LOG_SOFTMAX }

    /**
     * Softmax-family values along the middle axis of contiguous {@code x} seen as
     * [outer, len, inner] from {@code xOff}, in float64 whatever the dtype (rounded once on the
     * store). Per slice: m = max (NaN if any is), shift = m unless m is infinite (then 0), s = Σ
     * exp(x − shift); {@link Softmax#LOG_SUM_EXP} writes log s + shift into {@code out} as
     * [outer, inner], the others write [outer, len, inner]: exp(x − shift)·(1/s), or (x − shift) −
     * log s. An empty slice has s = 0 (log-sum-exp −∞). The SIMD form may sum in another order and
     * take exp within an ulp of Math.exp; along float32 rows it runs in float lanes (within 3 float
     * ulp of this definition; for the logs, of max(|value|, 1)).
     */
    default void softmax(Softmax mode, Storage x, int xOff, Storage out, int outer, int len, int inner) {
        if (mode == Softmax.SOFTMAX) {
            double[] ones = new double[outer * inner];
            java.util.Arrays.fill(ones, 1);
            softmaxScaled(x, xOff, ones, out, outer, len, inner);
            return;
        }
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = xOff + o * len * inner + j;
                double[] shiftSum = shiftAndSum(x, base, len, inner);
                double shift = shiftSum[0];
                double s = shiftSum[1];
                int at = o * len * inner + j;
                if (mode == Softmax.LOG_SUM_EXP) {
                    out.set(o * inner + j, Math.log(s) + shift);
                } else {
                    double ls = Math.log(s);
                    for (int k = 0; k < len; k++) {
                        out.set(at + k * inner, (x.get(base + k * inner) - shift) - ls);
                    }
                }
            }
        }
    }

    /** One slice's shift (its max, or 0 when that is infinite) and Σ exp(x − shift), in double. */
    private static double[] shiftAndSum(Storage x, int base, int len, int inner) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < len; k++) {
            m = Math.max(m, x.get(base + k * inner));
        }
        double shift = Double.isInfinite(m) ? 0 : m;
        double s = 0;
        for (int k = 0; k < len; k++) {
            s += Math.exp(x.get(base + k * inner) - shift);
        }
        return new double[] {shift, s};
    }

    /**
     * {@link #softmax}'s SOFTMAX times a factor per slice: w[o·inner + j]·exp(x − shift)/s, the factor
     * taken as w/s (so w = 1 is softmax's value). It is logsumexp's reverse rule, w its incoming
     * gradient: ∂ log Σ exp(x)/∂x = softmax(x).
     */
    default void softmaxScaled(Storage x, int xOff, double[] w, Storage out, int outer, int len, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = xOff + o * len * inner + j;
                double[] shiftSum = shiftAndSum(x, base, len, inner);
                double shift = shiftSum[0];
                double s = shiftSum[1];
                double r = w[o * inner + j] / s;
                int at = o * len * inner + j;
                for (int k = 0; k < len; k++) {
                    out.set(at + k * inner, Math.exp(x.get(base + k * inner) - shift) * r);
                }
            }
        }
    }

    /**
     * The reverse rule of softmax or logSoftmax ({@code mode}) along the middle axis of contiguous
     * {@code y} (the op's output) seen as [outer, len, inner] from {@code yOff}, for the cotangent g
     * read at {@code gOff + gStep·i} (i the element's index in that order: {@code gStep} 1 for a
     * contiguous g, 0 for one value everywhere, backward()'s seed of ones). Per slice, in float64
     * whatever the dtype, rounded once on the store into {@code out} ([outer, len, inner]):
     * SOFTMAX s = Σ g·y, out = y·(g − s); LOG_SOFTMAX s = Σ g, out = g − exp(y)·s. Softmax's
     * Jacobian is symmetric, so SOFTMAX with a tangent for g is also its forward rule. The SIMD form
     * may sum in another order and take exp within an ulp of Math.exp.
     */
    default void softmaxBackward(Softmax mode, Storage y, int yOff, Storage g, int gOff, int gStep, Storage out,
                                 int outer, int len, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int at = o * len * inner + j;
                double s = 0;
                for (int k = 0; k < len; k++) {
                    int i = at + k * inner;
                    double gi = g.get(gOff + gStep * i);
                    s += mode == Softmax.SOFTMAX ? gi * y.get(yOff + i) : gi;
                }
                for (int k = 0; k < len; k++) {
                    int i = at + k * inner;
                    double yi = y.get(yOff + i);
                    double gi = g.get(gOff + gStep * i);
                    out.set(i, mode == Softmax.SOFTMAX ? yi * (gi - s) : gi - Math.exp(yi) * s);
                }
            }
        }
    }

    /**
     * The reverse rule of max or min over the middle axis of contiguous {@code x} seen as
     * [outer, len, inner] from {@code xOff}: {@code y} holds the extremes ([outer, inner],
     * contiguous from {@code yOff}) and the cotangent of slice (o, j) is read at
     * {@code gOff + gStep·(o·inner + j)} ({@code gStep} 1 for a contiguous g, 0 for one value, as
     * backward()'s seed of ones). The elements equal to their slice's extreme share its g evenly:
     * {@code out = g·share} with share = 1/count (rounded to out's dtype) where x equals the extreme
     * and 0/count elsewhere — the tensor rule's values to the bit, also when the extreme is NaN
     * (count 0: every share 0/0, so NaN). {@code out} is [outer, len, inner].
     */
    default void extremumBackward(Storage x, int xOff, Storage y, int yOff, Storage g, int gOff, int gStep, Storage out,
                                  int outer, int len, int inner) {
        boolean f32 = out instanceof Storage.F32;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int at = o * len * inner + j;
                double m = y.get(yOff + o * inner + j);
                int count = 0;
                for (int k = 0; k < len; k++) {
                    count += x.get(xOff + at + k * inner) == m ? 1 : 0;
                }
                double hit = f32 ? (float) (1.0 / count) : 1.0 / count;
                double miss = 0.0 / count;
                double gv = g.get(gOff + gStep * (o * inner + j));
                for (int k = 0; k < len; k++) {
                    int i = at + k * inner;
                    out.set(i, gv * (x.get(xOff + i) == m ? hit : miss));
                }
            }
        }
    }
}
