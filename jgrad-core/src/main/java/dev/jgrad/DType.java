package dev.jgrad;

/**
 * Element type of a {@link Tensor}. Every tensor is real-valued; {@link #FLOAT64} is the default.
 * Arithmetic on {@link #FLOAT32} tensors is carried out in double precision and rounded to float
 * when each op stores its result.
 */
public enum DType {
    /** 64-bit IEEE 754 floating point, Java {@code double}. The default dtype. */
    FLOAT64("float64", 8),
    /** 32-bit IEEE 754 floating point, Java {@code float}. */
    FLOAT32("float32", 4);

    private final String displayName;
    private final int byteSize;

    DType(String displayName, int byteSize) {
        this.displayName = displayName;
        this.byteSize = byteSize;
    }

    /** Size of one element in bytes. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype of the result of a binary op on operands of dtypes {@code a} and {@code b}. */
    public static DType promote(DType a, DType b) {
        return (a == FLOAT64 || b == FLOAT64) ? FLOAT64 : FLOAT32;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
