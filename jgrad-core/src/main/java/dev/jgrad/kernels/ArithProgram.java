package dev.jgrad.kernels;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * A small expression of exact arithmetic (+, −, ×, ÷, negation) over several operand rows, written
 * in postfix (a value used twice is kept in a local: {@link #tee}, {@link #load}): what the deferred
 * evaluator hands to {@link Kernels#arithRange} so that a run of cheap element-wise ops (the
 * products and sums of a chain rule) costs one pass over memory instead of one pass per op. Each
 * intermediate is rounded to the dtype, exactly as the op-by-op kernels store it, so the result is
 * bit for bit what they give. Operand ("leaf") {@code l} is read element by
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
    /** Bound on a program's locals ({@link #tee}, {@link #load}). */
    public static final int MAX_LOCALS = 1000;
    private static final int TEE_0 = -1000;
    private static final int LOAD_0 = TEE_0 - MAX_LOCALS;

    /**
     * Instruction: keep the top value and also store it in local {@code k} — a value read by several
     * operations of the program is computed once ({@link #load} reads it again).
     */
    public static int tee(int k) {
        return TEE_0 - Objects.checkIndex(k, MAX_LOCALS);
    }

    /** Instruction: push local {@code k} (stored earlier in the program by {@link #tee}). */
    public static int load(int k) {
        return LOAD_0 - Objects.checkIndex(k, MAX_LOCALS);
    }

    /** The local that instruction {@code ins} stores ({@link #tee}), or −1. */
    public static int teeLocal(int ins) {
        return ins <= TEE_0 && ins > LOAD_0 ? TEE_0 - ins : -1;
    }

    /** The local that instruction {@code ins} pushes ({@link #load}), or −1. */
    public static int loadLocal(int ins) {
        return ins <= LOAD_0 && ins > LOAD_0 - MAX_LOCALS ? LOAD_0 - ins : -1;
    }

    private final int[] code;
    private final boolean[] broadcast;
    private final int depth;
    private final int locals;
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
        BitSet stored = new BitSet();
        int localCount = 0;
        StringBuilder k = new StringBuilder();
        for (int c : this.code) {
            int tee = teeLocal(c);
            int load = loadLocal(c);
            if (tee >= 0) {
                if (d < 1 || stored.get(tee)) {
                    throw new IllegalArgumentException("ArithProgram: " + (d < 1 ? "empty stack at" : "second")
                            + " store to local " + tee + " in " + Arrays.toString(code));
                }
                stored.set(tee);
                localCount = Math.max(localCount, tee + 1);
                k.append('t').append(tee);
            } else if (load >= 0) {
                if (!stored.get(load)) {
                    throw new IllegalArgumentException("ArithProgram: local " + load + " read before it is stored in "
                            + Arrays.toString(code));
                }
                d++;
                k.append('l').append(load);
            } else if (c >= 0) {
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
        this.locals = localCount;
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

    /** Number of locals ({@link #tee}): one past the highest stored. */
    public int locals() {
        return locals;
    }

    /** Scratch values {@link #apply} needs: the stack and the locals. */
    public int scratch() {
        return depth + locals;
    }

    /** Identifies the program's shape (instructions and which leaves broadcast): equal keys, equal programs. */
    public String key() {
        return key;
    }

    /**
     * The reference value at one position: {@code leafValues[l]} is leaf l's element, {@code stack} a
     * scratch array of at least {@link #scratch()} (the stack, then the locals); with
     * {@code float32} every intermediate is rounded to float, as the op-by-op float32 kernels store it.
     */
    public double apply(double[] leafValues, double[] stack, boolean float32) {
        int sp = 0;
        for (int c : code) {
            double v;
            if (teeLocal(c) >= 0) {
                stack[depth + teeLocal(c)] = stack[sp - 1];
                continue;
            } else if (loadLocal(c) >= 0) {
                v = stack[depth + loadLocal(c)];
            } else if (c >= 0) {
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
