package dev.jgrad.kernels;

import java.util.Arrays;

/**
 * A small tree of exact arithmetic (+, −, ×, ÷, negation) over several operand rows, written in
 * postfix: what the deferred evaluator hands to {@link Kernels#arithRange} so that a run of cheap
 * element-wise ops (the products and sums of a chain rule) costs one pass over memory instead of one
 * pass per op. Each intermediate is rounded to the dtype, exactly as the op-by-op kernels store it,
 * so the result is bit for bit what they give. Operand ("leaf") {@code l} is read element by
 * element, or is one element broadcast to every position when {@link #broadcast(int)}.
 */
public final class ArithProgram {
    /** Instruction: pop b, pop a, push a + b. Values ≥ 0 push that leaf. */
    public static final int ADD = -1;
    /** Pop b, pop a, push a − b. */
    public static final int SUB = -2;
    /** Pop b, pop a, push a·b. */
    public static final int MUL = -3;
    /** Pop b, pop a, push a / b. */
    public static final int DIV = -4;
    /** Pop a, push −a. */
    public static final int NEG = -5;

    private final int[] code;
    private final boolean[] broadcast;
    private final int depth;
    private final String key;

    /**
     * @param code      postfix instructions: a leaf index or one of the op constants; must leave
     *                  exactly one value
     * @param broadcast per leaf: true when it is one element for every position
     */
    public ArithProgram(int[] code, boolean[] broadcast) {
        this.code = code.clone();
        this.broadcast = broadcast.clone();
        int d = 0;
        int max = 0;
        StringBuilder k = new StringBuilder();
        for (int c : this.code) {
            if (c >= 0) {
                if (c >= broadcast.length) {
                    throw new IllegalArgumentException("ArithProgram: leaf " + c + " of " + broadcast.length + " in " + Arrays.toString(code));
                }
                d++;
                k.append(broadcast[c] ? 's' : 'v').append(c);
            } else if (c >= NEG) {
                d -= c == NEG ? 0 : 1;
                k.append("+-*/~".charAt(-c - 1));
            } else {
                throw new IllegalArgumentException("ArithProgram: unknown instruction " + c + " in " + Arrays.toString(code));
            }
            if (d < 1) {
                throw new IllegalArgumentException("ArithProgram: stack underflow in " + Arrays.toString(code));
            }
            max = Math.max(max, d);
        }
        if (d != 1) {
            throw new IllegalArgumentException("ArithProgram: leaves " + d + " values, expected 1, in " + Arrays.toString(code));
        }
        this.depth = max;
        this.key = k.toString();
    }

    /** Number of operand rows. */
    public int leaves() {
        return broadcast.length;
    }

    /** Whether leaf {@code l} is one element broadcast to every position. */
    public boolean broadcast(int l) {
        return broadcast[l];
    }

    /** Instruction {@code i} (a leaf index or an op constant). */
    public int instruction(int i) {
        return code[i];
    }

    /** Number of instructions. */
    public int length() {
        return code.length;
    }

    /** The largest number of values on the stack at once. */
    public int depth() {
        return depth;
    }

    /** Identifies the program's shape (instructions and which leaves broadcast): equal keys, equal programs. */
    public String key() {
        return key;
    }

    /**
     * The reference value at one position: {@code leafValues[l]} is leaf l's element, {@code stack} a
     * scratch array of at least {@link #depth()}; with {@code float32} every intermediate is rounded
     * to float, as the op-by-op float32 kernels store it.
     */
    public double apply(double[] leafValues, double[] stack, boolean float32) {
        int sp = 0;
        for (int c : code) {
            double v;
            if (c >= 0) {
                v = leafValues[c];
            } else if (c == NEG) {
                v = -stack[--sp];
            } else {
                double b = stack[--sp];
                double a = stack[--sp];
                v = switch (c) {
                    case ADD -> a + b;
                    case SUB -> a - b;
                    case MUL -> a * b;
                    default -> a / b;
                };
            }
            stack[sp++] = float32 ? (float) v : v;
        }
        return stack[0];
    }

    @Override
    public String toString() {
        return "ArithProgram[" + key + "]";
    }
}
