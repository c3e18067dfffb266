package dev.jgrad.tensor;

import dev.jgrad.DType;
import dev.jgrad.kernels.ArithProgram;
import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.UnaryFn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds, in one deferred evaluation, the runs of cheap exact arithmetic (+, −, ×, ÷, negation,
 * adding or multiplying by a constant the dtype holds exactly, and tanh's and the sigmoid's reverse
 * rules g·(1 − y²) and g·y(1 − y)) that can be computed in one pass: a node whose readers are all
 * such nodes computed in one loop, and which nobody stores, is computed inside that loop
 * ({@link Kernels#arithRange}) instead of into a scratch buffer of its own — once, kept in a local
 * when it is read more than once. The reverse pass of tanh(exp(sin x)·x + 1) then costs one pass
 * for tanh's rule and the chain rule's four products and one sum, instead of six. Values are
 * unchanged: every intermediate is still rounded to the dtype, in the same order.
 */
final class ArithGroups {
    /** Per node: computed inside its readers' fused loop (no buffer, no pass of its own). */
    final boolean[] inlined;
    /** Per node: the step at which it is computed (its own index, or its fused loop's root). */
    final int[] runsAt;
    /** Per node: the fused program rooted there, or null (the node runs its own kernel). */
    private final ArithProgram[] program;
    /** Per group root and leaf: the producing node, or −1 for a stored array or a constant. */
    private final int[][] leafProducer;
    private final Storage[][] leafStorage;
    /** Per stored leaf: where element 0 of the evaluation is (a broadcast leaf: its only element). */
    private final int[][] leafBase;
    private final int groups;

    private ArithGroups(boolean[] inlined, int[] runsAt, ArithProgram[] program, int[][] leafProducer, Storage[][] leafStorage,
                        int[][] leafBase, int groups) {
        this.inlined = inlined;
        this.runsAt = runsAt;
        this.program = program;
        this.leafProducer = leafProducer;
        this.leafStorage = leafStorage;
        this.leafBase = leafBase;
        this.groups = groups;
    }

    /** Number of fused programs. */
    int groups() {
        return groups;
    }

    /** Number of ops the fused programs compute: their roots and the nodes inlined into them. */
    int ops() {
        int n = groups;
        for (boolean b : inlined) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** Whether node {@code i} runs a fused program. */
    boolean isRoot(int i) {
        return program[i] != null;
    }

    /**
     * Groups the nodes of an evaluation: {@code producer[i][k]} is the node computing operand k of
     * node i (−1: stored), {@code stored[i]} whether node i's result is written out.
     */
    static ArithGroups find(Deferred[] exprs, int[][] producer, boolean[] stored, DType dtype) {
        int count = exprs.length;
        int[] uses = new int[count];
        for (int i = 0; i < count; i++) {
            for (int p : producer[i]) {
                if (p >= 0) {
                    uses[p]++;
                }
            }
        }
        int[][] readers = new int[count][];
        for (int i = 0; i < count; i++) {
            readers[i] = new int[uses[i]];
            uses[i] = 0;
        }
        for (int i = 0; i < count; i++) {
            for (int p : producer[i]) {
                if (p >= 0) {
                    readers[p][uses[p]++] = i;
                }
            }
        }
        boolean[] fusable = new boolean[count];
        for (int i = 0; i < count; i++) {
            fusable[i] = fusable(exprs[i], dtype);
        }
        // Readers come after their producers: from the last node back, each node's readers have
        // their step already. A node is inlined when all its readers are fusable and run in one
        // fused loop (read more than once, the loop computes it once and keeps it in a local).
        boolean[] inlined = new boolean[count];
        int[] runsAt = new int[count];
        for (int i = count - 1; i >= 0; i--) {
            runsAt[i] = i;
            if (!fusable[i] || stored[i] || uses[i] == 0) {
                continue;
            }
            int step = runsAt[readers[i][0]];
            boolean one = true;
            for (int r : readers[i]) {
                one &= fusable[r] && runsAt[r] == step;
            }
            if (one) {
                inlined[i] = true;
                runsAt[i] = step;
            }
        }
        ArithProgram[] program = new ArithProgram[count];
        int[][] leafProducer = new int[count][];
        Storage[][] leafStorage = new Storage[count][];
        int[][] leafBase = new int[count][];
        int groups = 0;
        for (int r = 0; r < count; r++) {
            if (!fusable[r] || inlined[r] || !readsInlined(producer[r], inlined)) {
                continue;
            }
            Builder b = new Builder(exprs, producer, inlined, uses, dtype);
            b.node(r);
            program[r] = new ArithProgram(b.code.stream().mapToInt(Integer::intValue).toArray(), b.broadcast());
            leafProducer[r] = b.producers.stream().mapToInt(Integer::intValue).toArray();
            leafStorage[r] = b.storages.toArray(new Storage[0]);
            leafBase[r] = b.bases.stream().mapToInt(Integer::intValue).toArray();
            groups++;
        }
        return new ArithGroups(inlined, runsAt, program, leafProducer, leafStorage, leafBase, groups);
    }

    private static boolean readsInlined(int[] producers, boolean[] inlined) {
        for (int p : producers) {
            if (p >= 0 && inlined[p]) {
                return true;
            }
        }
        return false;
    }

    /** Exact arithmetic on operands read element by element or broadcast (not a repeated block). */
    private static boolean fusable(Deferred d, DType dtype) {
        if (d.fn instanceof BinaryFn f) {
            boolean f64 = dtype == DType.FLOAT64;
            boolean exact = switch (f) {
                case ADD, SUB, MUL, DIV -> true;
                // The activations' reverse rules, as their kernels round them in this dtype.
                case TANH_BACKWARD, SIGMOID_BACKWARD -> f64;
                case TANH_BACKWARD_F32, SIGMOID_BACKWARD_F32 -> !f64;
                default -> false;
            };
            return exact && d.periods[0] == 0 && d.periods[1] == 0;
        }
        if (d.fn instanceof UnaryFn f) {
            return switch (f.kind()) {
                case NEG -> true;
                // x + a and x·a round once in the dtype when it holds a exactly (float32: as its float kernels).
                case ADD_SCALAR, MUL_SCALAR -> dtype == DType.FLOAT64 || (double) (float) f.a() == f.a();
                default -> false;
            };
        }
        return false;
    }

    /**
     * Runs node {@code i}'s fused program over elements {@code [start, start + len)}; {@code chunks}
     * says where a node's chunk is (its target or its scratch buffer); {@code leaves} and
     * {@code offsets} are the calling thread's argument arrays for this node.
     */
    void run(Kernels k, int i, NodeChunks chunks, Storage out, int outOff, int start, int len,
             Storage[] leaves, int[] offsets) {
        ArithProgram p = program[i];
        for (int l = 0; l < leaves.length; l++) {
            int prod = leafProducer[i][l];
            if (prod >= 0) {
                leaves[l] = chunks.storage(prod);
                offsets[l] = chunks.offset(prod, start);
            } else {
                leaves[l] = leafStorage[i][l];
                offsets[l] = leafBase[i][l] + (p.broadcast(l) ? 0 : start);
            }
        }
        k.arithRange(p, leaves, offsets, out, outOff, len);
    }

    /** Number of leaves of node {@code i}'s program (for per-thread argument arrays). */
    int leaves(int i) {
        return program[i].leaves();
    }

    /** Where the evaluation keeps node chunks: implemented by the evaluation. */
    interface NodeChunks {
        Storage storage(int node);

        int offset(int node, int start);
    }

    /** Writes one group's program in postfix, depth first through its inlined operands. */
    private static final class Builder {
        private final Deferred[] exprs;
        private final int[][] producer;
        private final boolean[] inlined;
        private final int[] uses;
        private final DType dtype;
        /** Per node read more than once: its local once the program has computed it, else −1. */
        private final int[] local;
        private int locals;
        final List<Integer> code = new ArrayList<>();
        final List<Integer> producers = new ArrayList<>();
        final List<Storage> storages = new ArrayList<>();
        final List<Integer> bases = new ArrayList<>();
        private final List<Boolean> broadcasts = new ArrayList<>();

        Builder(Deferred[] exprs, int[][] producer, boolean[] inlined, int[] uses, DType dtype) {
            this.exprs = exprs;
            this.producer = producer;
            this.inlined = inlined;
            this.uses = uses;
            this.dtype = dtype;
            this.local = new int[exprs.length];
            Arrays.fill(local, -1);
        }

        void node(int i) {
            Deferred d = exprs[i];
            if (d.fn instanceof BinaryFn f) {
                switch (f) {
                    case TANH_BACKWARD, TANH_BACKWARD_F32 -> {
                        // (y, g) ↦ g·(1 − y·y)
                        operand(i, 1);
                        constant(1);
                        operand(i, 0);
                        operand(i, 0);
                        code.add(ArithProgram.MUL);
                        code.add(ArithProgram.SUB);
                        code.add(ArithProgram.MUL);
                    }
                    case SIGMOID_BACKWARD, SIGMOID_BACKWARD_F32 -> {
                        // (y, g) ↦ g·(y·(1 − y))
                        operand(i, 1);
                        operand(i, 0);
                        constant(1);
                        operand(i, 0);
                        code.add(ArithProgram.SUB);
                        code.add(ArithProgram.MUL);
                        code.add(ArithProgram.MUL);
                    }
                    default -> {
                        operand(i, 0);
                        operand(i, 1);
                        code.add(switch (f) {
                            case ADD -> ArithProgram.ADD;
                            case SUB -> ArithProgram.SUB;
                            case MUL -> ArithProgram.MUL;
                            default -> ArithProgram.DIV;
                        });
                    }
                }
                return;
            }
            operand(i, 0);
            UnaryFn f = (UnaryFn) d.fn;
            switch (f.kind()) {
                case NEG -> code.add(ArithProgram.NEG);
                case ADD_SCALAR -> {
                    constant(f.a());
                    code.add(ArithProgram.ADD);
                }
                default -> {
                    constant(f.a());
                    code.add(ArithProgram.MUL);
                }
            }
        }

        private void operand(int i, int k) {
            int p = producer[i][k];
            if (p >= 0 && inlined[p]) {
                if (local[p] >= 0) {
                    code.add(ArithProgram.load(local[p]));
                } else {
                    node(p);
                    // Past the locals' bound a further read computes it again (same value).
                    if (uses[p] > 1 && locals < ArithProgram.MAX_LOCALS) {
                        local[p] = locals++;
                        code.add(ArithProgram.tee(local[p]));
                    }
                }
                return;
            }
            Deferred d = exprs[i];
            if (p >= 0) {
                leaf(p, null, 0, false);
            } else {
                NDArray o = d.operands[k];
                leaf(-1, o.storage(), o.layout().offset(), d.strides[k] == 0);
            }
        }

        private void constant(double a) {
            Storage s = Storage.allocate(dtype, 1);
            s.set(0, a);
            leaf(-1, s, 0, true);
        }

        /** Pushes a leaf, reusing the index of an equal one (one load for x read twice). */
        private void leaf(int prod, Storage storage, int base, boolean broadcast) {
            for (int l = 0; l < producers.size(); l++) {
                boolean same = prod >= 0 ? producers.get(l) == prod
                        : producers.get(l) < 0 && storages.get(l) == storage && bases.get(l) == base
                        && broadcasts.get(l) == broadcast;
                if (same) {
                    code.add(l);
                    return;
                }
            }
            code.add(producers.size());
            producers.add(prod);
            storages.add(storage);
            bases.add(base);
            broadcasts.add(broadcast);
        }

        boolean[] broadcast() {
            boolean[] b = new boolean[broadcasts.size()];
            for (int l = 0; l < b.length; l++) {
                b[l] = broadcasts.get(l);
            }
            return b;
        }
    }
}
