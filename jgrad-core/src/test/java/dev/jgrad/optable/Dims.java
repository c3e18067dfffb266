package dev.jgrad.optable;

/** Shape literals for the op table. */
final class Dims {
    private Dims() {
    }

    /** A shape literal: {@code s(2, 3)}; {@code s()} is 0-d. */
    static int[] s(int... dims) {
        return dims;
    }
}
