package dev.jgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Argument generators for {@link BadInputFuzzTest}: seeded random tensors, axes, shapes, sizes and
 * scalars, mostly odd (out of range, negative, NaN, huge, wrong length) and never so big that a
 * legal call would fill gigabytes. Every tensor made is a leaf recorded in {@link #leaves}.
 */
final class FuzzArguments {
    /** Results above this many elements are checked by numel only (no copy, no backward). */
    static final long MATERIALISE_LIMIT = 1 << 18;

    final Random rng;
    /** The leaves made since the last {@link #clear()}: the inputs of the current call. */
    final List<Tensor> leaves = new ArrayList<>();

    FuzzArguments(long seed) {
        rng = new Random(seed);
    }

    void clear() {
        leaves.clear();
    }

    /** A random tensor: rank 0–4, sizes 0–4, sometimes float32, a view, or requiring a gradient. */
    Tensor tensor() {
        return tensorOfShape(smallShape());
    }

    Tensor tensorOfShape(int[] shape) {
        while (product(shape) > MATERIALISE_LIMIT) {
            shape = smallShape();
        }
        double[] d = new double[(int) product(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextInt(8) == 0 ? rng.nextInt(5) - 1 : rng.nextGaussian();
        }
        Tensor leaf = Tensor.of(d, shape);
        if (rng.nextInt(5) == 0) {
            leaf = leaf.to(DType.FLOAT32);
        }
        if (rng.nextBoolean()) {
            leaf.requiresGrad(true);
        }
        leaves.add(leaf);
        return shape.length >= 2 && rng.nextInt(4) == 0 ? leaf.mT().contiguous().mT() : leaf;
    }

    /** Sizes 0–4; now and then an empty tensor with huge other sizes, whose reductions or products would be huge. */
    int[] smallShape() {
        int[] s = new int[rng.nextInt(5)];
        boolean hugeEmpty = s.length >= 2 && rng.nextInt(15) == 0;
        for (int i = 0; i < s.length; i++) {
            s[i] = hugeEmpty && rng.nextBoolean() ? (rng.nextBoolean() ? 1 << 16 : Integer.MAX_VALUE)
                    : rng.nextInt(4) == 0 ? 1 : rng.nextInt(5);
        }
        if (hugeEmpty) {
            s[rng.nextInt(s.length)] = 0;
        }
        return s;
    }

    /** Another operand: a random shape, x's shape, or a shape that broadcasts against x. */
    Tensor operand(Tensor x) {
        int[] s = switch (rng.nextInt(4)) {
            case 0 -> smallShape();
            case 1 -> x.shape();
            case 2 -> { int[] t = x.shape(); if (t.length > 0) { t[rng.nextInt(t.length)] = 1; } yield t; }
            default -> x.ndim() > 0 ? Arrays.copyOfRange(x.shape(), rng.nextInt(x.ndim()), x.ndim()) : new int[0];
        };
        return tensorOfShape(s);
    }

    Tensor[] tensors(Tensor x) {
        Tensor[] ts = new Tensor[rng.nextInt(4)];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = i == 0 ? x : operand(x);
        }
        return ts;
    }

    /** gather's index: often x's rank and in range, sometimes non-integral, out of range or of another rank. */
    Tensor indexTensor(Tensor x) {
        int[] s = rng.nextInt(4) == 0 ? smallShape() : x.shape();
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.min(s[i], rng.nextInt(5));
        }
        double[] d = new double[(int) product(s)];
        double[] odd = {-1, 0.5, Double.NaN, Double.POSITIVE_INFINITY, 1e20, -1e20, 5, Integer.MAX_VALUE + 1.0};
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextInt(10) == 0 ? odd[rng.nextInt(odd.length)] : rng.nextInt(3);
        }
        return Tensor.of(d, s);
    }

    int axis() {
        return rng.nextInt(13) - 6;
    }

    /** Small ints, mostly in [-6, 6], sometimes extreme. */
    int index() {
        int[] extreme = {Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE / 2 + 1, -Integer.MAX_VALUE};
        return rng.nextInt(5) == 0 ? extreme[rng.nextInt(extreme.length)] : rng.nextInt(13) - 6;
    }

    int[] ints() {
        int[] v = new int[rng.nextInt(6)];
        for (int i = 0; i < v.length; i++) {
            v[i] = index();
        }
        return v;
    }

    int[] axesOrNull() {
        return rng.nextInt(8) == 0 ? null : ints();
    }

    /** A shape argument: sizes 0–4, −1, negatives, and huge sizes; never one the JVM could not allocate. */
    int[] dims() {
        while (true) {
            int[] s = new int[rng.nextInt(6)];
            for (int i = 0; i < s.length; i++) {
                int r = rng.nextInt(8);
                s[i] = r == 0 ? -1 - rng.nextInt(2) : r <= 2 ? hugeDim() : rng.nextInt(5);
            }
            if (allocatable(s)) {
                return s;
            }
        }
    }

    int[] shapeArg() {
        return rng.nextInt(20) == 0 ? null : dims();
    }

    int hugeDim() {
        int[] huge = {1 << 16, 1 << 20, 46341, Integer.MAX_VALUE, Integer.MIN_VALUE};
        return huge[rng.nextInt(huge.length)];
    }

    /** False for shapes too big to fill in a fast test but small enough to be legal. */
    static boolean allocatable(int[] s) {
        double n = product(s);
        return n <= MATERIALISE_LIMIT || n > Integer.MAX_VALUE;
    }

    /** Product of the sizes (negatives as 0) in double, which cannot overflow here. */
    static double product(int[] s) {
        double n = 1;
        for (int d : s) {
            n *= Math.max(d, 0);
        }
        return n;
    }

    int count() {
        int[] c = {-5, -1, 0, 1, 2, 3, 7, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE - 1};
        return c[rng.nextInt(c.length)];
    }

    /** split sizes, but none that cut a huge (empty tensor's) axis into millions of pieces. */
    int pieceSize(Tensor x, int axis) {
        int n = count();
        boolean validAxis = axis >= -x.ndim() && axis < x.ndim();
        return validAxis && n > 0 && x.size(axis) / n > 1000 ? Integer.MAX_VALUE : n;
    }

    /** chunk counts, but none giving millions of pieces (up to n, or n itself on an empty axis). */
    int chunks(Tensor x, int axis) {
        int n = count();
        boolean validAxis = axis >= -x.ndim() && axis < x.ndim();
        return validAxis && n > 1000 && (x.size(axis) == 0 || x.size(axis) > 1000) ? 3 : n;
    }

    double odd() {
        double[] v = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -3, 0, 2.5, 1e300, -1e300, 1, -0.0};
        return v[rng.nextInt(v.length)];
    }

    double oddStep() {
        double[] v = {0, Double.NaN, Double.POSITIVE_INFINITY, -1, 1, 0.5, 1e-300, -1e-300, 3};
        return v[rng.nextInt(v.length)];
    }

    DType dtype() {
        int r = rng.nextInt(10);
        return r == 0 ? null : r < 4 ? DType.FLOAT32 : DType.FLOAT64;
    }

    Reduction reduction() {
        Reduction[] r = {Reduction.MEAN, Reduction.SUM, Reduction.NONE, null};
        return r[rng.nextInt(r.length)];
    }

    double[][] rows() {
        double[][] rows = new double[rng.nextInt(4)][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = rng.nextInt(10) == 0 ? null : new double[rng.nextInt(3)];
        }
        return rows;
    }

    /** pad widths: usually one pair per axis, sometimes wrong counts, wrong pair lengths, negatives or huge. */
    int[][] widths(Tensor x) {
        while (true) {
            int n = rng.nextInt(6) == 0 ? rng.nextInt(5) : x.ndim();
            int[][] w = new int[n][];
            int[] out = new int[n];
            for (int d = 0; d < n; d++) {
                int len = rng.nextInt(10) == 0 ? rng.nextInt(4) : 2;
                w[d] = new int[len];
                for (int k = 0; k < len; k++) {
                    int r = rng.nextInt(12);
                    w[d][k] = r == 0 ? -1 : r == 1 ? hugeDim() : rng.nextInt(3);
                }
                long size = (d < x.ndim() ? x.size(d) : 0) + (len > 0 ? w[d][0] : 0) + (len > 1 ? (long) w[d][1] : 0);
                out[d] = (int) Math.max(Math.min(size, Integer.MAX_VALUE), 0);
            }
            if (allocatable(out)) {
                return w;
            }
        }
    }
}
