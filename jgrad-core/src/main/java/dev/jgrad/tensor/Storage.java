package dev.jgrad.tensor;

import dev.jgrad.DType;
import dev.jgrad.kernels.FreshArrays;
import dev.jgrad.kernels.ResultArrays;

/**
 * A flat primitive buffer holding a tensor's elements. Written only by the kernel that fills a
 * freshly allocated storage; once a tensor wraps it, it is never written again, which is what makes
 * zero-copy views safe. Its {@link Lease} ends that life when the tensor is released
 * ({@link NDArray#release}): from then on {@link NDArray#storage()}, the way every read reaches a
 * storage, throws, because the array may have been handed to a new result. (The check sits there
 * and not in these records' accessors: once per read of an array rather than per element or per
 * pattern match, and a record pattern would wrap it in a {@code MatchException}.) Code that keeps a
 * storage must keep the {@link NDArray} instead, and read it again after anything the caller may
 * have run in between.
 */
public sealed interface Storage permits Storage.F64, Storage.F32 {

    DType dtype();

    int length();

    double get(int i);

    void set(int i, double v);

    /** Whether the elements may still be read ({@link Lease}). */
    Lease lease();

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

    /**
     * As {@link #allocateToOverwrite} when a released tensor's array of this length is kept
     * ({@link dev.jgrad.kernels.ArrayPool}), else as {@link #allocate}: for a kernel that writes
     * every element but measured faster into a zero-filled new array than an uninitialized one.
     */
    static Storage allocateKeptOrZeroed(DType dtype, int n) {
        if (dtype == DType.FLOAT64) {
            double[] kept = ResultArrays.keptDoubles(n);
            return new F64(kept != null ? kept : FreshArrays.doubles(n));
        }
        float[] kept = ResultArrays.keptFloats(n);
        return new F32(kept != null ? kept : FreshArrays.floats(n));
    }

    /** float64 storage over a {@code double[]}. */
    record F64(double[] data, Lease lease) implements Storage {
        /** A live storage over {@code data}. */
        public F64(double[] data) { this(data, new Lease()); }
        public DType dtype() { return DType.FLOAT64; }
        public int length() { return data.length; }
        public double get(int i) { return data[i]; }
        public void set(int i, double v) { data[i] = v; }
    }

    /** float32 storage over a {@code float[]}. */
    record F32(float[] data, Lease lease) implements Storage {
        /** A live storage over {@code data}. */
        public F32(float[] data) { this(data, new Lease()); }
        public DType dtype() { return DType.FLOAT32; }
        public int length() { return data.length; }
        public double get(int i) { return data[i]; }
        public void set(int i, double v) { data[i] = (float) v; }
    }
}
