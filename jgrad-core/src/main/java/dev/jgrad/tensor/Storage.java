package dev.jgrad.tensor;

import dev.jgrad.DType;
import dev.jgrad.kernels.FreshArrays;
import dev.jgrad.kernels.ResultArrays;

/**
 * A flat primitive buffer holding a tensor's elements. Written only by the kernel that fills a
 * freshly allocated storage; once a tensor wraps it, it is never written again, which is what makes
 * zero-copy views safe.
 */
public sealed interface Storage permits Storage.F64, Storage.F32 {

    DType dtype();

    int length();

    double get(int i);

    void set(int i, double v);

    /** Allocates a zero-filled storage of {@code n} elements (a new array, possibly zero-filled ahead: {@link FreshArrays}). */
    static Storage allocate(DType dtype, int n) {
        return dtype == DType.FLOAT64 ? new F64(FreshArrays.doubles(n)) : new F32(FreshArrays.floats(n));
    }

    /**
     * A storage of {@code n} elements whose contents are unspecified ({@link ResultArrays}): only for
     * a kernel that writes every element before the storage is read or wrapped.
     */
    static Storage allocateToOverwrite(DType dtype, int n) {
        return dtype == DType.FLOAT64 ? new F64(ResultArrays.doubles(n)) : new F32(ResultArrays.floats(n));
    }

    /** float64 storage over a {@code double[]}. */
    record F64(double[] data) implements Storage {
        public DType dtype() { return DType.FLOAT64; }
        public int length() { return data.length; }
        public double get(int i) { return data[i]; }
        public void set(int i, double v) { data[i] = v; }
    }

    /** float32 storage over a {@code float[]}. */
    record F32(float[] data) implements Storage {
        public DType dtype() { return DType.FLOAT32; }
        public int length() { return data.length; }
        public double get(int i) { return data[i]; }
        public void set(int i, double v) { data[i] = (float) v; }
    }
}
