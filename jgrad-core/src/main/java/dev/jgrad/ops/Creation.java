package dev.jgrad.ops;

import dev.jgrad.autograd.TensorAccess;
import dev.jgrad.DType;
import dev.jgrad.Tensor;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;
import dev.jgrad.tensor.Storage;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import static dev.jgrad.autograd.TensorAccess.value;

/** Tensor creation (leaves, not recorded), element access and comparison with tolerance. */
public final class Creation {
    private Creation() {
    }

    public static Tensor of(double[] data, int[] shape) {
        checkData("of", data == null ? -1 : data.length, shape);
        return TensorAccess.wrap(NDArray.wrap(data.clone(), shape.clone()));
    }

    public static Tensor of(float[] data, int[] shape) {
        checkData("of", data == null ? -1 : data.length, shape);
        return TensorAccess.wrap(NDArray.wrap(data.clone(), shape.clone()));
    }

    public static Tensor of(double[][] rows) {
        if (rows == null) {
            throw new IllegalArgumentException("of: rows must not be null");
        }
        int cols = rows.length == 0 ? 0 : lengthOf(rows[0], 0);
        double[] flat = new double[Shapes.numel(new int[] {rows.length, cols})];
        for (int i = 0; i < rows.length; i++) {
            if (lengthOf(rows[i], i) != cols) {
                throw new IllegalArgumentException("of: row " + i + " has length " + rows[i].length
                        + " but row 0 has length " + cols + " (ragged rows cannot form shape [" + rows.length + ", " + cols + "])");
            }
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return TensorAccess.wrap(NDArray.wrap(flat, new int[] {rows.length, cols}));
    }

    private static int lengthOf(double[] row, int i) {
        if (row == null) {
            throw new IllegalArgumentException("of: row " + i + " is null");
        }
        return row.length;
    }

    private static void checkData(String op, int length, int[] shape) {
        if (length < 0) {
            throw new IllegalArgumentException(op + ": data must not be null");
        }
        if (shape == null) {
            throw new IllegalArgumentException(op + ": shape must not be null");
        }
        long n = Shapes.numelLong(op, shape);
        if (n != length) {
            throw new IllegalArgumentException(op + ": " + length + " values do not fill shape " + Shapes.str(shape)
                    + " (" + n + " elements)");
        }
    }

    public static Tensor full(double v, DType dtype, int[] shape) {
        Storage s = Storage.allocate(checkDType("full", dtype, shape), Shapes.numel("full", shape));
        if (v != 0.0) {
            if (s instanceof Storage.F64(double[] d, _)) {
                Arrays.fill(d, v);
            } else if (s instanceof Storage.F32(float[] f, _)) {
                Arrays.fill(f, (float) v);
            }
        }
        return TensorAccess.wrap(new NDArray(s, Layout.contiguous(shape.clone())));
    }

    /**
     * {@code v} everywhere in the given shape as a broadcast view of one element (every stride 0):
     * no memory per element. For constants nobody writes into, such as {@code backward()}'s default
     * seed of ones (1M float32 elements: a 4 MB array filled, then read once).
     */
    public static Tensor broadcastFull(double v, DType dtype, int[] shape) {
        Shapes.numel("full", shape);
        Tensor one = full(v, dtype, new int[0]);
        return TensorAccess.wrap(new NDArray(value(one).storage(), new Layout(shape.clone(), new int[shape.length], 0)));
    }

    private static DType checkDType(String op, DType dtype, int[] shape) {
        if (dtype == null) {
            throw new IllegalArgumentException(op + ": dtype must not be null (shape "
                    + (shape == null ? "null" : Shapes.str(shape)) + ")");
        }
        return dtype;
    }

    public static Tensor arange(double start, double end, double step) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: start, end and step must be finite and step non-zero, got start="
                    + start + ", end=" + end + ", step=" + step);
        }
        double count = Math.ceil((end - start) / step);
        if (count > Shapes.MAX_ELEMENTS) {
            throw new IllegalArgumentException("arange: " + count + " elements from start=" + start + " to end=" + end
                    + " by step=" + step + " exceed one Java array");
        }
        int n = (int) Math.max(0, count);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = start + i * step;
        }
        return TensorAccess.wrap(NDArray.wrap(d, new int[] {n}));
    }

    public static Tensor linspace(double start, double end, int steps) {
        if (steps < 0 || steps > Shapes.MAX_ELEMENTS) {
            throw new IllegalArgumentException("linspace: steps must be in [0, " + Shapes.MAX_ELEMENTS + "], got " + steps
                    + " (start=" + start + ", end=" + end + ")");
        }
        double[] d = new double[steps];
        double h = steps > 1 ? (end - start) / (steps - 1) : 0;
        for (int i = 0; i < steps; i++) {
            d[i] = i == steps - 1 && steps > 1 ? end : start + i * h;
        }
        return TensorAccess.wrap(NDArray.wrap(d, new int[] {steps}));
    }

    public static Tensor eye(int n, int m) {
        int[] shape = {n, m};
        double[] d = new double[Shapes.numel("eye", shape)];
        for (int i = 0; i < Math.min(n, m); i++) {
            d[i * m + i] = 1.0;
        }
        return TensorAccess.wrap(NDArray.wrap(d, shape));
    }

    /** A reproducible generator for a seed (the algorithm is fixed, so results never change). */
    public static RandomGenerator generator(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    public static Tensor rand(RandomGenerator rng, DType dtype, int[] shape) {
        Storage s = Storage.allocate(checkDType("rand", dtype, shape), Shapes.numel("rand", shape));
        if (rng == null) {
            throw new IllegalArgumentException("rand: the random generator must not be null (shape " + Shapes.str(shape) + ")");
        }
        for (int i = 0; i < s.length(); i++) {
            s.set(i, rng.nextDouble());
        }
        return TensorAccess.wrap(new NDArray(s, Layout.contiguous(shape.clone())));
    }

    public static Tensor randn(RandomGenerator rng, DType dtype, int[] shape) {
        Storage s = Storage.allocate(checkDType("randn", dtype, shape), Shapes.numel("randn", shape));
        if (rng == null) {
            throw new IllegalArgumentException("randn: the random generator must not be null (shape " + Shapes.str(shape) + ")");
        }
        for (int i = 0; i < s.length(); i++) {
            s.set(i, rng.nextGaussian());
        }
        return TensorAccess.wrap(new NDArray(s, Layout.contiguous(shape.clone())));
    }

    public static double element(Tensor x, int[] index) {
        int[] s = x.shape();
        if (index.length != s.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for shape " + Shapes.str(s));
        }
        int[] idx = new int[s.length];
        for (int d = 0; d < s.length; d++) {
            int i = index[d] < 0 ? index[d] + s[d] : index[d];
            if (i < 0 || i >= s[d]) {
                throw new IllegalArgumentException("get: index " + index[d] + " is out of range for axis " + d
                        + " of size " + s[d] + " in shape " + Shapes.str(s));
            }
            idx[d] = i;
        }
        return value(x).get(idx);
    }

    public static boolean allClose(Tensor a, Tensor b, double rtol, double atol) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            return false;
        }
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) {
                if (Double.isNaN(x[i]) != Double.isNaN(y[i])) {
                    return false;
                }
            } else if (x[i] != y[i] && !(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]))) {
                return false;
            }
        }
        return true;
    }
}
