package dev.jgrad.kernels;

import dev.jgrad.tensor.Storage;

import java.util.function.DoubleBinaryOperator;

/**
 * The scalar zip on two dense operands of one dtype: direct array loops, with the arithmetic
 * functions written out so small tensors and 0-d scalars pay no per-element virtual call. float32
 * results are computed in double and rounded once, as {@link Storage#set} does.
 */
final class ContiguousZip {
    private ContiguousZip() {
    }

    /** Computes {@code out[i] = f(a[offA + i], b[offB + i])}; false (nothing written) for mixed dtypes. */
    static boolean apply(DoubleBinaryOperator f, Storage a, int offA, Storage b, int offB, Storage out, int n) {
        if (a instanceof Storage.F64(double[] x, _) && b instanceof Storage.F64(double[] y, _) && out instanceof Storage.F64(double[] o, _)) {
            if (f == BinaryFn.ADD) {
                for (int i = 0; i < n; i++) {
                    o[i] = x[offA + i] + y[offB + i];
                }
            } else if (f == BinaryFn.MUL) {
                for (int i = 0; i < n; i++) {
                    o[i] = x[offA + i] * y[offB + i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    o[i] = f.applyAsDouble(x[offA + i], y[offB + i]);
                }
            }
            return true;
        }
        if (a instanceof Storage.F32(float[] x, _) && b instanceof Storage.F32(float[] y, _) && out instanceof Storage.F32(float[] o, _)) {
            // float + float and float · float in double, rounded once, equal the float operations.
            if (f == BinaryFn.ADD) {
                for (int i = 0; i < n; i++) {
                    o[i] = x[offA + i] + y[offB + i];
                }
            } else if (f == BinaryFn.MUL) {
                for (int i = 0; i < n; i++) {
                    o[i] = x[offA + i] * y[offB + i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) f.applyAsDouble(x[offA + i], y[offB + i]);
                }
            }
            return true;
        }
        return false;
    }
}
