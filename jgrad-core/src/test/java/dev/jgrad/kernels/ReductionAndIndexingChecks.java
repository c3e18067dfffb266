package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.kernels.StridedViews.Kind;
import dev.jgrad.kernels.StridedViews.View;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Shapes;
import dev.jgrad.tensor.Storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

import static dev.jgrad.kernels.StridedViews.DTYPES;
import static dev.jgrad.kernels.StridedViews.LENGTHS;
import static dev.jgrad.kernels.StridedViews.SENTINEL;
import static dev.jgrad.kernels.StridedViews.assertSame;
import static dev.jgrad.kernels.StridedViews.assertWithin;
import static dev.jgrad.kernels.StridedViews.rounded;
import static dev.jgrad.kernels.StridedViews.sentinel;
import static dev.jgrad.kernels.StridedViews.uniform;
import static dev.jgrad.kernels.StridedViews.unravel;
import static dev.jgrad.kernels.StridedViews.view;

/**
 * Naive reference loops for the kernels that combine elements (reduce, argReduce, matmul) or
 * index them (gather, scatterAdd), run by {@link KernelsContractTest} against each implementation.
 * Sums and products may be reordered by an implementation, so they are checked within a rounding
 * tolerance scaled by the sum of magnitudes; everything else is bit-exact.
 */
final class ReductionAndIndexingChecks {
    private static final Kind[] KINDS = Kind.values();
    private static final int[][] RANK3 = {{3, 4, 5}, {2, 3, 13}, {4, 1, 7}, {2, 0, 3}, {1, 1, 1}, {5, 2, 31}};

    private ReductionAndIndexingChecks() {
    }

    /** Relative tolerance of a reordered sum: float64 1e-12; float32 also one float ulp of the result. */
    private static double sumTolerance(DType dt, double expected, double magnitude) {
        return 1e-12 * magnitude + (dt == DType.FLOAT32 ? Math.ulp((float) expected) : 0);
    }

    private static List<int[]> reductionShapes() {
        List<int[]> shapes = StridedViews.elementwiseShapes();
        shapes.addAll(List.of(RANK3));
        return shapes;
    }

    /** Mostly uniform in [-1, 1], with NaN, ±inf and ±0 sprinkled in. */
    private static DoubleSupplier specials(Random rnd) {
        double[] odd = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0};
        return () -> {
            int r = rnd.nextInt(60);
            return r < odd.length ? odd[r] : 2 * rnd.nextDouble() - 1;
        };
    }

    /** Every reduction over every subset of axes (the empty one included) of every layout. */
    static void reduce(Kernels k) {
        Random rnd = new Random(6);
        for (DType dt : DTYPES) {
            for (int[] shape : reductionShapes()) {
                boolean rank3 = shape.length == 3;
                for (Kind kind : KINDS) {
                    View plain = view(kind, shape, dt, uniform(rnd, -1, 1));
                    View odd = view(kind, shape, dt, specials(rnd));
                    for (boolean[] axes : axisMasks(shape.length)) {
                        checkReduce(k, plain, axes);
                        if (rank3) {
                            checkReduce(k, odd, axes);
                        }
                    }
                }
            }
        }
        longRowExtremes(k);
    }

    /**
     * MAX and MIN along long rows (the SIMD loops keep several accumulators), bit for bit against
     * a Math.max / Math.min fold: a NaN, a lone +0 among −0 and negatives, a lone −0 among +0 and
     * positives, each at positions that fall in every accumulator and in the tail.
     */
    private static void longRowExtremes(Kernels k) {
        Random rnd = new Random(8);
        for (DType dt : DTYPES) {
            for (int len : new int[] {200, 1023}) {
                int rows = 3 * 70;
                Storage x = Storage.allocate(dt, rows * len);
                for (int r = 0; r < rows; r++) {
                    int kind = r % 3;
                    int pos = (r / 3) * len / 70 + (r / 3) % 7;
                    for (int i = 0; i < len; i++) {
                        double v = kind == 0 ? 2 * rnd.nextDouble() - 1
                                : kind == 1 ? (rnd.nextBoolean() ? -0.0 : -1 - rnd.nextDouble())
                                : (rnd.nextBoolean() ? 0.0 : 1 + rnd.nextDouble());
                        x.set(r * len + i, i == pos ? (kind == 0 ? Double.NaN : kind == 1 ? 0.0 : -0.0) : v);
                    }
                }
                for (Kernels.Reduction red : new Kernels.Reduction[] {Kernels.Reduction.MAX, Kernels.Reduction.MIN}) {
                    Storage out = sentinel(dt, rows);
                    k.reduce(red, x, Layout.contiguous(new int[] {rows, len}), new boolean[] {false, true}, out);
                    for (int r = 0; r < rows; r++) {
                        double want = red == Kernels.Reduction.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                        for (int i = 0; i < len; i++) {
                            want = red == Kernels.Reduction.MAX ? Math.max(want, x.get(r * len + i)) : Math.min(want, x.get(r * len + i));
                        }
                        int at = r;
                        assertSame(want, out.get(r), () -> k.name() + " " + red + " " + dt + " row " + at + " of length " + len);
                    }
                }
            }
        }
    }

    /** SUM, MAX, MIN and SUM_OF_SQUARES of {@code x} over {@code axes} against one naive pass. */
    private static void checkReduce(Kernels k, View x, boolean[] axes) {
        DType dt = x.storage().dtype();
        int[] kept = x.shape().clone();
        for (int d = 0; d < kept.length; d++) {
            kept[d] = axes[d] ? 1 : kept[d];
        }
        int m = Shapes.numel(kept);
        double[] sum = new double[m];
        double[] squares = new double[m];
        double[] magnitude = new double[m];
        double[] max = new double[m];
        double[] min = new double[m];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        for (int i = 0; i < x.numel(); i++) {
            int[] index = unravel(i, x.shape());
            int p = 0;
            for (int d = 0; d < kept.length; d++) {
                p = p * kept[d] + (axes[d] ? 0 : index[d]);
            }
            double v = x.at(i);
            sum[p] += v;
            squares[p] += v * v;
            magnitude[p] += Math.abs(v);
            max[p] = Math.max(max[p], v);
            min[p] = Math.min(min[p], v);
        }
        for (Kernels.Reduction red : Kernels.Reduction.values()) {
            Storage out = sentinel(dt, m);
            k.reduce(red, x.storage(), x.layout(), axes, out);
            String what = k.name() + " reduce " + red + " " + Arrays.toString(axes) + " of " + x.label();
            for (int p = 0; p < m; p++) {
                int at = p;
                if (red == Kernels.Reduction.SUM) {
                    double expected = rounded(dt, sum[p]);
                    assertWithin(expected, out.get(p), sumTolerance(dt, expected, magnitude[p]), () -> what + " at " + at);
                } else if (red == Kernels.Reduction.SUM_OF_SQUARES) {
                    // Every term is ≥ 0: the sum is its own magnitude.
                    double expected = rounded(dt, squares[p]);
                    assertWithin(expected, out.get(p), sumTolerance(dt, expected, squares[p]), () -> what + " at " + at);
                } else {
                    double expected = rounded(dt, red == Kernels.Reduction.MAX ? max[p] : min[p]);
                    // + 0.0 turns -0 into +0: which of two equal zeros wins depends on the visiting order.
                    assertSame(expected + 0.0, out.get(p) + 0.0, () -> what + " at " + at);
                }
            }
        }
    }

    /** All 2^rank axis masks (the empty mask included). */
    static List<boolean[]> axisMasks(int rank) {
        List<boolean[]> masks = new ArrayList<>();
        for (int bits = 0; bits < 1 << rank; bits++) {
            boolean[] m = new boolean[rank];
            for (int d = 0; d < rank; d++) {
                m[d] = (bits >> d & 1) != 0;
            }
            masks.add(m);
        }
        return masks;
    }

    /** argmax/argmin along every axis of every layout, on tie-heavy data with and without NaN. */
    static void argReduce(Kernels k) {
        Random rnd = new Random(7);
        double[] tied = {-1, 0.0, -0.0, 1, 2};
        DoubleSupplier ties = () -> tied[rnd.nextInt(tied.length)];
        DoubleSupplier tiesAndNaN = () -> rnd.nextInt(20) == 0 ? Double.NaN : ties.getAsDouble();
        for (DType dt : DTYPES) {
            for (int[] shape : reductionShapes()) {
                for (int axis = 0; axis < shape.length; axis++) {
                    if (shape[axis] == 0 && otherElements(shape, axis) > 0) {
                        continue; // an empty axis has no extreme; the ops reject it
                    }
                    for (Kind kind : KINDS) {
                        for (boolean max : new boolean[] {true, false}) {
                            checkArgReduce(k, max, view(kind, shape, dt, ties), axis);
                            checkArgReduce(k, max, view(kind, shape, dt, tiesAndNaN), axis);
                        }
                    }
                }
            }
        }
    }

    private static int otherElements(int[] shape, int axis) {
        int n = 1;
        for (int d = 0; d < shape.length; d++) {
            n *= d == axis ? 1 : shape[d];
        }
        return n;
    }

    private static void checkArgReduce(Kernels k, boolean max, View x, int axis) {
        int[] kept = x.shape().clone();
        kept[axis] = 1;
        int m = Shapes.numel(kept);
        Storage out = sentinel(x.storage().dtype(), m);
        k.argReduce(max, x.storage(), x.layout(), axis, out);
        for (int p = 0; p < m; p++) {
            int[] index = unravel(p, kept);
            int best = -1;
            double bestValue = 0;
            for (int t = 0; t < x.shape()[axis]; t++) {
                index[axis] = t;
                double v = x.storage().get(x.layout().indexOf(index));
                if (Double.isNaN(v)) {
                    best = t; // the first NaN is the extreme
                    break;
                }
                if (best < 0 || (max ? v > bestValue : v < bestValue)) {
                    best = t; // strict comparison: the first of equal values (−0 and +0 are equal) stays
                    bestValue = v;
                }
            }
            int at = p;
            assertSame(best, out.get(p), () -> k.name() + (max ? " argmax" : " argmin") + " axis " + axis + " of "
                    + x.label() + " at " + at);
        }
    }

    /** How a matmul operand is read: plain row-major, transposed, step-2 slices, or one broadcast row. */
    enum Operand { PLAIN, TRANSPOSED, STRIDED, BROADCAST_ROWS }

    record Matrix(Storage s, int off, int rowStride, int colStride) {
        double at(int i, int j) {
            return s.get(off + i * rowStride + j * colStride);
        }
    }

    private static Matrix matrix(Operand kind, int rows, int cols, DType dt, Random rnd) {
        int[] strides = switch (kind) {
            case PLAIN -> new int[] {cols, 1, 3};
            case TRANSPOSED -> new int[] {1, rows, 1};
            case STRIDED -> new int[] {2 * cols + 1, 2, 2};
            case BROADCAST_ROWS -> new int[] {0, 1, 1};
        };
        int last = rows == 0 || cols == 0 ? strides[2] : strides[2] + (rows - 1) * strides[0] + (cols - 1) * strides[1];
        Storage s = Storage.allocate(dt, last + 2);
        for (int i = 0; i < s.length(); i++) {
            s.set(i, 2 * rnd.nextDouble() - 1);
        }
        return new Matrix(s, strides[2], strides[0], strides[1]);
    }

    /** C = A·B for every operand layout pair and m, k, n in {0, 1, 3, 7, 17}, against a double loop. */
    static void matmul(Kernels kernels) {
        Random rnd = new Random(8);
        int[] sizes = {0, 1, 3, 7, 17};
        int cOff = 2;
        for (DType dt : DTYPES) {
            double rel = dt == DType.FLOAT64 ? 1e-12 : 1e-5;
            for (Operand ka : Operand.values()) {
                for (Operand kb : Operand.values()) {
                    for (int m : sizes) {
                        for (int k : sizes) {
                            for (int n : sizes) {
                                Matrix a = matrix(ka, m, k, dt, rnd);
                                Matrix b = matrix(kb, k, n, dt, rnd);
                                Storage c = sentinel(dt, cOff + m * n + 2);
                                kernels.matmul(a.s(), a.off(), a.rowStride(), a.colStride(),
                                        b.s(), b.off(), b.rowStride(), b.colStride(), c, cOff, m, k, n);
                                String what = kernels.name() + " matmul " + dt + " " + ka + "·" + kb + " m=" + m
                                        + " k=" + k + " n=" + n;
                                for (int i = 0; i < m; i++) {
                                    for (int j = 0; j < n; j++) {
                                        double sum = 0;
                                        double scale = 0;
                                        for (int p = 0; p < k; p++) {
                                            sum += a.at(i, p) * b.at(p, j);
                                            scale += Math.abs(a.at(i, p) * b.at(p, j));
                                        }
                                        String where = what + " at (" + i + ", " + j + ")";
                                        assertWithin(sum, c.get(cOff + i * n + j), rel * scale, () -> where);
                                    }
                                }
                                for (int p : new int[] {0, 1, cOff + m * n, cOff + m * n + 1}) {
                                    assertSame(SENTINEL, c.get(p), () -> what + ": wrote outside C at " + p);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** One gather/scatter geometry: the full array's shape, the axis, the index's shape, layout and values. */
    record IndexCase(int[] fullShape, int axis, int[] indexShape, Layout li, int[] index) {
        /** The full array's multi-index that element {@code p} of the index shape reads or writes. */
        int[] target(int p) {
            int[] at = unravel(p, indexShape);
            int[] full = at.clone();
            full[axis] = index[li.indexOf(at)];
            return full;
        }

        @Override
        public String toString() {
            return "axis " + axis + " of " + Arrays.toString(fullShape) + " by index "
                    + Arrays.toString(indexShape) + " strides " + Arrays.toString(li.strides());
        }
    }

    /**
     * Rank-3 geometries on every axis (0, 1 or 7 indices, repeats likely; index as large as or smaller
     * than the full array off the axis; index read row-major or along the axis only, as indexSelect
     * does), and 2×5 arrays indexed by each awkward length.
     */
    static void forEachIndexCase(Random rnd, Consumer<IndexCase> check) {
        for (int[] full : new int[][] {{3, 4, 5}, {2, 1, 6}, {4, 3, 2}}) {
            for (int axis = 0; axis < 3; axis++) {
                for (int q : new int[] {0, 1, 7}) {
                    for (boolean smaller : new boolean[] {false, true}) {
                        int[] is = full.clone();
                        for (int d = 0; d < 3; d++) {
                            is[d] = d == axis ? q : smaller ? Math.max(1, full[d] - 1) : full[d];
                        }
                        indexCases(rnd, full, axis, is, check);
                    }
                }
            }
        }
        for (int n : LENGTHS) {
            indexCases(rnd, new int[] {2, 5}, 1, new int[] {2, n}, check);
        }
    }

    private static void indexCases(Random rnd, int[] full, int axis, int[] is, Consumer<IndexCase> check) {
        int[] alongStrides = new int[is.length];
        alongStrides[axis] = 1;
        for (Layout li : new Layout[] {Layout.contiguous(is), new Layout(is.clone(), alongStrides, 0)}) {
            int[] index = new int[li.strides() == alongStrides ? is[axis] : Shapes.numel(is)];
            for (int i = 0; i < index.length; i++) {
                index[i] = rnd.nextInt(full[axis]);
            }
            check.accept(new IndexCase(full, axis, is, li, index));
        }
    }

    /** out[p] = x[p with p[axis] = index[li(p)]] on every layout of x. */
    static void gather(Kernels k) {
        Random rnd = new Random(9);
        forEachIndexCase(rnd, c -> {
            for (DType dt : DTYPES) {
                for (Kind kind : KINDS) {
                    View x = view(kind, c.fullShape(), dt, uniform(rnd, -3, 3));
                    int n = Shapes.numel(c.indexShape());
                    Storage out = sentinel(dt, n);
                    k.gather(x.storage(), x.layout(), c.axis(), c.index(), c.li(), out);
                    for (int p = 0; p < n; p++) {
                        int at = p;
                        assertSame(x.storage().get(x.layout().indexOf(c.target(p))), out.get(p),
                                () -> k.name() + " gather " + c + " from " + x.label() + " at " + at);
                    }
                }
            }
        });
    }

    /** dst[p with p[axis] = index[li(p)]] += src[p], repeats accumulating, on every src and dst layout. */
    static void scatterAdd(Kernels k) {
        Random rnd = new Random(10);
        forEachIndexCase(rnd, c -> {
            for (DType dt : DTYPES) {
                for (Kind srcKind : KINDS) {
                    Kind dstKind = KINDS[(srcKind.ordinal() + 2) % KINDS.length];
                    View src = view(srcKind, c.indexShape(), dt, uniform(rnd, -3, 3));
                    View dst = view(dstKind.writable() ? dstKind : Kind.CONTIGUOUS, c.fullShape(), dt,
                            uniform(rnd, -3, 3));
                    double[] acc = new double[dst.storage().length()];
                    double[] magnitude = new double[acc.length];
                    for (int p = 0; p < acc.length; p++) {
                        acc[p] = dst.storage().get(p);
                        magnitude[p] = Math.abs(acc[p]);
                    }
                    for (int p = 0; p < src.numel(); p++) {
                        int q = dst.layout().indexOf(c.target(p));
                        acc[q] += src.at(p);
                        magnitude[q] += Math.abs(src.at(p));
                    }
                    k.scatterAdd(src.storage(), src.layout(), c.axis(), c.index(), c.li(), dst.storage(), dst.layout());
                    for (int q = 0; q < acc.length; q++) {
                        int at = q;
                        double expected = rounded(dt, acc[q]);
                        assertWithin(expected, dst.storage().get(q), sumTolerance(dt, expected, magnitude[q]),
                                () -> k.name() + " scatterAdd " + c + " from " + src.label() + " into " + dst.label()
                                        + " at storage position " + at);
                    }
                }
            }
        });
    }
}
