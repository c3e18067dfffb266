package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Storage;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link dev.jgrad.kernels.Kernels#argReduce} on contiguous x. Along rows (the last axis): per row
 * the extreme in vector lanes ({@code extreme}: NaN if the row has one), then the first index
 * holding it — the first NaN, or the first element equal to the extreme (−0 and +0 compare equal,
 * so the first zero of either sign, as the scalar definition's strict comparisons keep) — with
 * vector compares. Along another axis: blocks of {@link #BLOCK} neighbouring columns keep their
 * best value and index while the rows are read in order, with the scalar definition's strict
 * comparisons (a NaN, once taken, stays). Rows or column blocks are shared among the kernel threads.
 */
final class ArgReduce {
    /** Columns per block in the column form. */
    private static final int BLOCK = 256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private ArgReduce() {
    }

    /** Rows [0, rows) of length {@code len} from {@code off}; out[r] = the row's index. */
    static void rows(boolean max, Object x, int off, int len, int rows, Storage out) {
        double init = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        Parallel.forRange(rows, Math.max(1, SimdKernels.MIN_CHUNK / Math.max(1, len)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int p = off + r * len;
                int index;
                if (x instanceof float[] xf) {
                    index = first(xf, p, len, (float) FloatLanes.extreme(max, xf, p, len, init));
                } else {
                    double[] xd = (double[]) x;
                    index = first(xd, p, len, DoubleLanes.extreme(max, xd, p, len, init));
                }
                out.set(r, index);
            }
        });
    }

    /**
     * x seen as [outer, len, inner] from {@code off}, reduced over the middle axis; out[o·inner + j]
     * = the index along it.
     */
    static void columns(boolean max, Object x, int off, int outer, int len, int inner, Storage out) {
        int blocks = (inner + BLOCK - 1) / BLOCK;
        Parallel.forRange(outer * blocks, Math.max(1, SimdKernels.MIN_CHUNK / Math.max(1, len * BLOCK)), (from, to) -> {
            int[] index = new int[BLOCK];
            float[] bestF = x instanceof float[] ? new float[BLOCK] : null;
            double[] bestD = x instanceof double[] ? new double[BLOCK] : null;
            for (int p = from; p < to; p++) {
                int o = p / blocks;
                int j0 = (p % blocks) * BLOCK;
                int w = Math.min(BLOCK, inner - j0);
                int base = off + o * len * inner + j0;
                java.util.Arrays.fill(index, 0);
                if (x instanceof float[] xf) {
                    System.arraycopy(xf, base, bestF, 0, w);
                    for (int k = 1; k < len; k++) {
                        step(max, xf, base + k * inner, k, w, bestF, index);
                    }
                } else {
                    double[] xd = (double[]) x;
                    System.arraycopy(xd, base, bestD, 0, w);
                    for (int k = 1; k < len; k++) {
                        step(max, xd, base + k * inner, k, w, bestD, index);
                    }
                }
                for (int j = 0; j < w; j++) {
                    out.set(o * inner + j0 + j, index[j]);
                }
            }
        });
    }

    /** Row k of a column block: take x where it beats the best so far (strictly) or is the first NaN. */
    private static void step(boolean max, float[] x, int row, int k, int w, float[] best, int[] index) {
        for (int j = 0; j < w; j++) {
            float b = best[j];
            float v = x[row + j];
            if (b == b && (v != v || (max ? v > b : v < b))) {
                best[j] = v;
                index[j] = k;
            }
        }
    }

    private static void step(boolean max, double[] x, int row, int k, int w, double[] best, int[] index) {
        for (int j = 0; j < w; j++) {
            double b = best[j];
            double v = x[row + j];
            if (b == b && (v != v || (max ? v > b : v < b))) {
                best[j] = v;
                index[j] = k;
            }
        }
    }

    /** The first i with x[p + i] equal to m (NaN: the first NaN). */
    private static int first(float[] x, int p, int len, float m) {
        boolean nan = Float.isNaN(m);
        int i = 0;
        for (int n = F.loopBound(len); i < n; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, p + i);
            VectorMask<Float> hit = nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, m);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < len; i++) {
            float v = x[p + i];
            if (nan ? Float.isNaN(v) : v == m) {
                return i;
            }
        }
        throw new IllegalStateException("argReduce: the row's extreme " + m + " was not found in it");
    }

    private static int first(double[] x, int p, int len, double m) {
        boolean nan = Double.isNaN(m);
        int i = 0;
        for (int n = D.loopBound(len); i < n; i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, p + i);
            VectorMask<Double> hit = nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, m);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < len; i++) {
            double v = x[p + i];
            if (nan ? Double.isNaN(v) : v == m) {
                return i;
            }
        }
        throw new IllegalStateException("argReduce: the row's extreme " + m + " was not found in it");
    }
}
