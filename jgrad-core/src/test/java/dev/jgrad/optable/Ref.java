package dev.jgrad.optable;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/** Naive reference implementations on {@link Arr}: one obvious loop per op, written for clarity only. */
public final class Ref {
    private Ref() {
    }

    public static Arr map(Arr x, DoubleUnaryOperator f) {
        double[] out = new double[x.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(x.data()[i]);
        }
        return new Arr(x.shape(), out);
    }

    /** Broadcasting element-wise binary op. */
    public static Arr zip(Arr a, Arr b, DoubleBinaryOperator f) {
        int[] shape = Arr.broadcastShape(a.shape(), b.shape());
        double[] out = new double[Arr.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Arr.unravel(i, shape);
            out[i] = f.applyAsDouble(a.atBroadcast(idx), b.atBroadcast(idx));
        }
        return new Arr(shape, out);
    }

    public static Arr where(Arr c, Arr a, Arr b) {
        int[] shape = Arr.broadcastShape(c.shape(), a.shape(), b.shape());
        double[] out = new double[Arr.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Arr.unravel(i, shape);
            out[i] = c.atBroadcast(idx) != 0 ? a.atBroadcast(idx) : b.atBroadcast(idx);
        }
        return new Arr(shape, out);
    }

    /** Reduces the given axes (all when null) with {@code f} applied to each group, in row-major order. */
    public static Arr reduce(Arr x, int[] axes, boolean keepDims, ToDoubleFunction<double[]> f) {
        int n = x.ndim();
        boolean[] reduced = new boolean[n];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduced, true);
        } else {
            for (int a : axes) {
                reduced[Arr.axis(a, n)] = true;
            }
        }
        int[] kept = x.shape().clone();
        int groupSize = 1;
        for (int d = 0; d < n; d++) {
            if (reduced[d]) {
                groupSize *= kept[d];
                kept[d] = 1;
            }
        }
        double[][] groups = new double[Arr.numel(kept)][groupSize];
        int[] fill = new int[groups.length];
        for (int i = 0; i < x.numel(); i++) {
            int[] idx = Arr.unravel(i, x.shape());
            for (int d = 0; d < n; d++) {
                if (reduced[d]) {
                    idx[d] = 0;
                }
            }
            int g = Arr.ravel(idx, kept);
            groups[g][fill[g]++] = x.data()[i];
        }
        double[] out = new double[groups.length];
        for (int g = 0; g < out.length; g++) {
            out[g] = f.applyAsDouble(groups[g]);
        }
        return new Arr(keepDims ? kept : dropOnes(kept, reduced), out);
    }

    private static int[] dropOnes(int[] kept, boolean[] reduced) {
        int[] out = new int[kept.length];
        int j = 0;
        for (int d = 0; d < kept.length; d++) {
            if (!reduced[d]) {
                out[j++] = kept[d];
            }
        }
        return Arrays.copyOf(out, j);
    }

    public static double sum(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e;
        }
        return s;
    }

    public static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    public static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    public static double logsumexp(double[] v) {
        double m = max(v);
        double s = 0;
        for (double e : v) {
            s += Math.exp(e - m);
        }
        return m + Math.log(s);
    }

    public static double var(double[] v, int correction) {
        double mean = sum(v) / v.length;
        double s = 0;
        for (double e : v) {
            s += (e - mean) * (e - mean);
        }
        return s / (v.length - correction);
    }

    public static double norm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return Math.sqrt(s);
    }

    /** Index of the first extremum. */
    public static double argExtremum(double[] v, boolean max) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (max ? v[i] > v[best] : v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Applies {@code f} to every lane along {@code axis} (each lane maps to a lane of equal length). */
    public static Arr alongAxis(Arr x, int axis, UnaryOperator<double[]> f) {
        int a = Arr.axis(axis, x.ndim());
        int[] shape = x.shape();
        double[] out = new double[x.numel()];
        for (int i = 0; i < x.numel(); i++) {
            int[] idx = Arr.unravel(i, shape);
            if (idx[a] != 0) {
                continue;
            }
            double[] lane = new double[shape[a]];
            for (int k = 0; k < lane.length; k++) {
                idx[a] = k;
                lane[k] = x.at(idx);
            }
            double[] res = f.apply(lane);
            for (int k = 0; k < lane.length; k++) {
                idx[a] = k;
                out[Arr.ravel(idx, shape)] = res[k];
            }
        }
        return new Arr(shape, out);
    }

    public static double[] logSoftmax(double[] lane) {
        double lse = logsumexp(lane);
        double[] out = new double[lane.length];
        for (int k = 0; k < lane.length; k++) {
            out[k] = lane[k] - lse;
        }
        return out;
    }

    public static double[] softmax(double[] lane) {
        double[] out = logSoftmax(lane);
        for (int k = 0; k < out.length; k++) {
            out[k] = Math.exp(out[k]);
        }
        return out;
    }

    public static Arr reshape(Arr x, int... shape) {
        return new Arr(shape, x.data().clone());
    }

    /** Result axis i is input axis perm[i]. */
    public static Arr permute(Arr x, int... perm) {
        int[] shape = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            shape[i] = x.shape()[Arr.axis(perm[i], perm.length)];
        }
        double[] out = new double[x.numel()];
        for (int i = 0; i < out.length; i++) {
            int[] o = Arr.unravel(i, shape);
            int[] in = new int[perm.length];
            for (int d = 0; d < perm.length; d++) {
                in[Arr.axis(perm[d], perm.length)] = o[d];
            }
            out[i] = x.at(in);
        }
        return new Arr(shape, out);
    }

    public static Arr swapAxes(Arr x, int a, int b) {
        int n = x.ndim();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        perm[Arr.axis(a, n)] = Arr.axis(b, n);
        perm[Arr.axis(b, n)] = Arr.axis(a, n);
        return permute(x, perm);
    }

    public static Arr broadcastTo(Arr x, int... shape) {
        double[] out = new double[Arr.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            out[i] = x.atBroadcast(Arr.unravel(i, shape));
        }
        return new Arr(shape, out);
    }

    /** Elements start, start+step, … before stop along axis (indices already in range). */
    public static Arr slice(Arr x, int axis, int start, int stop, int step) {
        int a = Arr.axis(axis, x.ndim());
        int[] shape = x.shape().clone();
        shape[a] = Math.max(0, (stop - start + step - 1) / step);
        double[] out = new double[Arr.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Arr.unravel(i, shape);
            idx[a] = start + idx[a] * step;
            out[i] = x.at(idx);
        }
        return new Arr(shape, out);
    }

    /** Gathers along {@code axis}: out[…, i, …] = x[…, index(i, …), …] for an index function of the output index. */
    public static Arr take(Arr x, int axis, int[] outShape, ToDoubleFunction<int[]> sourceIndex) {
        int a = Arr.axis(axis, x.ndim());
        double[] out = new double[Arr.numel(outShape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Arr.unravel(i, outShape);
            int src = (int) sourceIndex.applyAsDouble(idx.clone());
            idx[a] = src;
            out[i] = x.at(idx);
        }
        return new Arr(outShape, out);
    }

    public static Arr concat(int axis, Arr... parts) {
        int a = Arr.axis(axis, parts[0].ndim());
        int[] shape = parts[0].shape().clone();
        int[] offsets = new int[parts.length + 1];
        for (int p = 0; p < parts.length; p++) {
            offsets[p + 1] = offsets[p] + parts[p].shape()[a];
        }
        shape[a] = offsets[parts.length];
        double[] out = new double[Arr.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Arr.unravel(i, shape);
            int p = 0;
            while (idx[a] >= offsets[p + 1]) {
                p++;
            }
            idx[a] -= offsets[p];
            out[i] = parts[p].at(idx);
        }
        return new Arr(shape, out);
    }

    public static Arr unsqueeze(Arr x, int axis) {
        int a = Arr.axis(axis, x.ndim() + 1);
        int[] shape = new int[x.ndim() + 1];
        for (int d = 0, j = 0; d < shape.length; d++) {
            shape[d] = d == a ? 1 : x.shape()[j++];
        }
        return reshape(x, shape);
    }

    public static Arr pad(Arr x, int[][] widths, double value) {
        int[] shape = x.shape().clone();
        for (int d = 0; d < shape.length; d++) {
            shape[d] += widths[d][0] + widths[d][1];
        }
        double[] out = new double[Arr.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Arr.unravel(i, shape);
            boolean inside = true;
            for (int d = 0; d < shape.length; d++) {
                idx[d] -= widths[d][0];
                inside &= idx[d] >= 0 && idx[d] < x.shape()[d];
            }
            out[i] = inside ? x.at(idx) : value;
        }
        return new Arr(shape, out);
    }

    /** NumPy matmul: 1-D operands promoted (and the added axis dropped), batch axes broadcast. */
    public static Arr matmul(Arr a, Arr b) {
        boolean vecA = a.ndim() == 1;
        boolean vecB = b.ndim() == 1;
        Arr a2 = vecA ? reshape(a, 1, a.shape()[0]) : a;
        Arr b2 = vecB ? reshape(b, b.shape()[0], 1) : b;
        int n = a2.shape()[a2.ndim() - 2];
        int k = a2.shape()[a2.ndim() - 1];
        int m = b2.shape()[b2.ndim() - 1];
        int[] batch = Arr.broadcastShape(Arrays.copyOf(a2.shape(), a2.ndim() - 2), Arrays.copyOf(b2.shape(), b2.ndim() - 2));
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = n;
        shape[batch.length + 1] = m;
        double[] out = new double[Arr.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Arr.unravel(i, shape);
            double s = 0;
            for (int kk = 0; kk < k; kk++) {
                int[] ia = idx.clone();
                ia[batch.length + 1] = kk;
                int[] ib = idx.clone();
                ib[batch.length] = kk;
                s += a2.atBroadcast(ia) * b2.atBroadcast(ib);
            }
            out[i] = s;
        }
        int[] result = shape;
        if (vecA && vecB) {
            result = batch;
        } else if (vecA) {
            result = dropAxis(shape, batch.length);
        } else if (vecB) {
            result = dropAxis(shape, batch.length + 1);
        }
        return new Arr(result, out);
    }

    private static int[] dropAxis(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (d != axis) {
                out[j++] = shape[d];
            }
        }
        return out;
    }
}
