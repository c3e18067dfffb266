package dev.jgrad.tensor;

import dev.jgrad.DType;
import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.KernelProvider;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.kernels.UnaryFn;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deferred element-wise evaluation: on large arrays, {@link UnaryFn} and {@link BinaryFn} results
 * are not computed when the op runs but kept as an expression over their operands, and computed
 * when something reads the elements ({@link NDArray#storage()}). A whole chain of element-wise ops
 * — a forward pass, the reverse rules of one, a tangent — then costs one pass over memory instead
 * of one pass per op: the expression is evaluated chunk by chunk, each op's chunk in a small
 * scratch buffer that stays in cache, and only the array that was read is written out.
 *
 * <p>Every element gets exactly the value the op-by-op kernels give: each step calls the same
 * kernel functions on a sub-range, and kernels never let an element's result depend on its position
 * (see {@link Kernels#mapRange}). What may differ is only the work: an interior result nobody reads
 * is recomputed by each expression that uses it, so an interior node that has been recomputed
 * {@link #RECOMPUTE_LIMIT} times is written out by the next evaluation and reused after that.
 *
 * <p>Applies to arrays of at least {@code -Djgrad.fusion.minElements} elements (default
 * {@value #DEFAULT_MIN_ELEMENTS}; {@code 0} turns deferral off) whose operands are all of one dtype
 * and either contiguous with the output's shape, deferred themselves, one broadcast element, or a
 * stored block of at least {@value DeferredOperands#MIN_PERIOD} elements repeated along the output's leading axes
 * (a bias row added to every row of a batch: the add and the ReLU after it become one pass). An
 * expression grows to at most {@value #MAX_NODES} ops over {@value #MAX_LEAVES} stored arrays;
 * beyond that its operands are computed first. Evaluations are serialised by one lock (each is
 * itself split across the kernel threads).
 */
public final class Deferred {
    static final int DEFAULT_MIN_ELEMENTS = 1 << 15;
    static final int MAX_NODES = 32;
    static final int MAX_LEAVES = 8;
    static final int RECOMPUTE_LIMIT = 2;
    /** Elements per evaluation step: a 16 KB float64 scratch buffer per live op. */
    private static final int CHUNK = 2048;
    /**
     * Elements the evaluating threads take at a time: small enough that a slowed thread holds up
     * little; one block of a whole-array sum, so {@link #blockSums} can sum each piece as it is done.
     */
    private static final int PIECE = Kernels.SUM_BLOCK;
    /** Elements per thread below which evaluation stays on the calling thread (as the kernels). */
    private static final int MIN_PARALLEL = 1 << 16;
    static final Object LOCK = new Object();
    /** Not final only so tests can compare deferred with op-by-op evaluation in one JVM. */
    private static int minElements = minElements();

    /** The op: a {@link UnaryFn} or {@link BinaryFn}. */
    final Object fn;
    final NDArray[] operands;
    /** 1: the operand is read element by element; 0: it is one element broadcast to every position. */
    private final int[] strides;
    /** Per operand: 0, or the length p of a stored block read at position i mod p (see {@link DeferredOperands#period}). */
    private final int[] periods;
    private final DType dtype;
    private final int numel;
    /** Times this expression was computed inside another one without being stored (guarded by LOCK). */
    private int recomputations;

    private Deferred(Object fn, NDArray[] operands, int[] strides, int[] periods, DType dtype, int numel) {
        this.fn = fn;
        this.operands = operands;
        this.strides = strides;
        this.periods = periods;
        this.dtype = dtype;
        this.numel = numel;
    }

    DType dtype() {
        return dtype;
    }

    /** Sets the size threshold (0 = off) and returns the previous one: for tests only. */
    public static int setMinElements(int n) {
        int previous = minElements;
        minElements = n;
        return previous;
    }

    /** {@code f(x)} as a deferred array, or null when x does not qualify (the caller computes it now). */
    public static NDArray map(UnaryFn f, NDArray x, int n) {
        if (n < minElements || minElements <= 0 || DeferredOperands.stride(x, x.shapeRef()) != 1) {
            return null;
        }
        return create(f, new NDArray[] {x}, new int[] {1}, new int[1], x.dtype(), x.shapeRef());
    }

    /**
     * {@code f(a, b)} as a deferred array of {@code shape} ({@code n} elements), or null when the
     * operands do not qualify; {@code a} and {@code b} come in their own shapes (equal to
     * {@code shape}, or one element).
     */
    public static NDArray zip(BinaryFn f, NDArray a, NDArray b, int[] shape, int n) {
        if (n < minElements || minElements <= 0 || a.dtype() != b.dtype()) {
            return null;
        }
        int sa = DeferredOperands.stride(a, shape);
        int sb = DeferredOperands.stride(b, shape);
        int[] periods = {sa < 0 ? DeferredOperands.period(a, shape) : 0, sb < 0 ? DeferredOperands.period(b, shape) : 0};
        if ((sa < 0 && periods[0] == 0) || (sb < 0 && periods[1] == 0)) {
            return null;
        }
        NDArray[] operands = {periods[0] > 0 ? a.broadcastTo(shape) : a, periods[1] > 0 ? b.broadcastTo(shape) : b};
        return create(f, operands, new int[] {sa < 0 ? 1 : sa, sb < 0 ? 1 : sb}, periods, a.dtype(), shape);
    }

    private static NDArray create(Object fn, NDArray[] operands, int[] strides, int[] periods, DType dtype, int[] shape) {
        synchronized (LOCK) {
            Graph g = new Graph();
            for (NDArray o : operands) {
                g.visit(o);
            }
            if (g.nodes.size() + 1 > MAX_NODES || g.leaves.size() > MAX_LEAVES) {
                // Too large to grow: compute the operands now, so this op starts a fresh expression.
                for (NDArray o : operands) {
                    o.storage();
                }
            }
            return new NDArray(new Deferred(fn, operands, strides, periods, dtype, Shapes.numel(shape)), shape);
        }
    }

    /** Computes {@code root}'s elements (and any interior result due to be stored) and publishes them. */
    static Storage materialize(NDArray root) {
        synchronized (LOCK) {
            if (root.isDeferred()) {
                new Evaluation(root).run(null);
            }
            return root.storage();
        }
    }

    /**
     * Computes a pending {@code x} and, as each {@link Kernels#SUM_BLOCK} of it is written, that
     * block's {@link Kernels#sumRange}: the per-block sums of a whole-array sum, without reading the
     * result back from memory. Null when {@code x} is not pending (the caller sums the stored array,
     * block by block, to the same values).
     */
    public static double[] blockSums(NDArray x) {
        if (!x.isDeferred()) {
            return null;
        }
        synchronized (LOCK) {
            if (!x.isDeferred()) {
                return null;
            }
            double[] sums = new double[Kernels.sumBlocks(x.numel())];
            new Evaluation(x).run(sums);
            return sums;
        }
    }

    /** The pending expressions reachable from some arrays, in an order where operands come first. */
    private static final class Graph {
        final List<NDArray> nodes = new ArrayList<>();
        final Map<NDArray, Integer> index = new IdentityHashMap<>();
        final Map<Storage, Boolean> leaves = new IdentityHashMap<>();

        void visit(NDArray x) {
            Deferred d = x.deferredExpression();
            if (d == null) {
                if (x.isDeferred()) {
                    // Only an array handed between threads without synchronisation could look like this.
                    throw new IllegalStateException("deferred array published without synchronisation");
                }
                leaves.put(x.storage(), Boolean.TRUE);
                return;
            }
            if (index.containsKey(x)) {
                return;
            }
            for (NDArray o : d.operands) {
                visit(o);
            }
            index.put(x, nodes.size());
            nodes.add(x);
        }
    }

    /** One evaluation: which results are stored, which live in scratch buffers, and the chunked loop. */
    private static final class Evaluation {
        private final int count;
        private final Deferred[] exprs;
        private final NDArray[] arrays;
        /** Stored results (root and interior nodes due to be kept); null for scratch-only results. */
        private final Storage[] targets;
        /** Scratch buffer of each non-stored result (reused once all its consumers are done). */
        private final int[] buffer;
        private final int buffers;
        /** Per node and operand: the producing node's index, or -1 for a stored array. */
        private final int[][] producer;
        private final Storage[][] leafStorage;
        private final int[][] leafOffset;
        private final int numel;
        private final DType dtype;
        /** Node i is sin or cos and node i + 1 the other function of the same operand: one kernel call computes both. */
        private final boolean[] sinCosNext;

        Evaluation(NDArray root) {
            Graph g = new Graph();
            g.visit(root);
            count = g.nodes.size();
            arrays = g.nodes.toArray(new NDArray[0]);
            sinCosNext = SinCosPairs.pair(arrays);
            for (int i = 0; i < count; i++) {
                g.index.put(arrays[i], i);
            }
            exprs = new Deferred[count];
            targets = new Storage[count];
            producer = new int[count][];
            leafStorage = new Storage[count][];
            leafOffset = new int[count][];
            int[] lastUse = new int[count];
            for (int i = 0; i < count; i++) {
                Deferred d = arrays[i].deferredExpression();
                exprs[i] = d;
                int arity = d.operands.length;
                producer[i] = new int[arity];
                leafStorage[i] = new Storage[arity];
                leafOffset[i] = new int[arity];
                for (int k = 0; k < arity; k++) {
                    NDArray o = d.operands[k];
                    Integer p = o.isDeferred() ? g.index.get(o) : null;
                    producer[i][k] = p == null ? -1 : p;
                    if (p == null) {
                        leafStorage[i][k] = o.storage();
                        leafOffset[i][k] = o.layout().offset();
                    } else {
                        lastUse[p] = i;
                    }
                }
                boolean store = i == count - 1 || d.recomputations >= RECOMPUTE_LIMIT;
                if (store) {
                    targets[i] = Storage.allocate(d.dtype, d.numel);
                }
            }
            numel = exprs[count - 1].numel;
            dtype = exprs[count - 1].dtype;
            // Linear-scan buffer assignment: a result's buffer is free again after its last consumer ran.
            buffer = new int[count];
            List<Integer> free = new ArrayList<>();
            List<List<Integer>> releaseAfter = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                releaseAfter.add(new ArrayList<>());
            }
            int made = 0;
            for (int i = 0; i < count; i++) {
                if (targets[i] == null) {
                    buffer[i] = free.isEmpty() ? made++ : free.removeLast();
                    releaseAfter.get(lastUse[i]).add(buffer[i]);
                } else {
                    buffer[i] = -1;
                }
                free.addAll(releaseAfter.get(i));
            }
            buffers = made;
        }

        /**
         * Computes every node and publishes the stored ones; {@code sums}, when not null, receives
         * each piece's {@link Kernels#sumRange} of the root.
         */
        void run(double[] sums) {
            Kernels k = KernelProvider.get();
            Parallel.forPieces(numel, MIN_PARALLEL, PIECE, (from, to) -> pieces(k, from, to, sums));
            for (int i = 0; i < count; i++) {
                if (targets[i] != null) {
                    arrays[i].complete(targets[i]);
                } else {
                    exprs[i].recomputations++;
                }
            }
        }

        /** Elements {@code [from, to)} (whole pieces from a piece boundary) of every node, with the root's piece sums. */
        private void pieces(Kernels k, int from, int to, double[] sums) {
            Storage[] scratch = new Storage[buffers];
            for (int b = 0; b < buffers; b++) {
                scratch[b] = Storage.allocate(dtype, Math.min(CHUNK, to - from));
            }
            for (int piece = from; piece < to; piece += PIECE) {
                int end = Math.min(to, piece + PIECE);
                for (int start = piece; start < end; start += CHUNK) {
                    step(k, scratch, start, Math.min(CHUNK, end - start));
                }
                if (sums != null) {
                    sums[piece / PIECE] = k.sumRange(targets[count - 1], piece, end - piece);
                }
            }
        }

        /** Elements {@code [start, start + len)} of every node, in operand-first order. */
        private void step(Kernels k, Storage[] scratch, int start, int len) {
            for (int i = 0; i < count; i++) {
                Deferred d = exprs[i];
                Storage out = targets[i] != null ? targets[i] : scratch[buffer[i]];
                int outOff = targets[i] != null ? start : 0;
                Storage a = operand(scratch, i, 0);
                int aOff = offset(i, 0, start);
                if (sinCosNext[i]) {
                    Storage other = targets[i + 1] != null ? targets[i + 1] : scratch[buffer[i + 1]];
                    int otherOff = targets[i + 1] != null ? start : 0;
                    if (((UnaryFn) d.fn).kind() == UnaryFn.Kind.SIN) {
                        k.sinCosRange(a, aOff, out, outOff, other, otherOff, len);
                    } else {
                        k.sinCosRange(a, aOff, other, otherOff, out, outOff, len);
                    }
                    i++;
                } else if (d.fn instanceof UnaryFn f) {
                    k.mapRange(f, a, aOff, out, outOff, len);
                } else if (d.periods[0] + d.periods[1] > 0) {
                    zipPeriodic(k, scratch, i, out, outOff, start, len);
                } else {
                    k.zipRange((BinaryFn) d.fn, a, aOff, d.strides[0], operand(scratch, i, 1), offset(i, 1, start),
                            d.strides[1], out, outOff, len);
                }
            }
        }

        /**
         * A zip with a repeated operand: one kernel call per stretch of {@code [start, start + len)}
         * inside which no repeated operand wraps around.
         */
        private void zipPeriodic(Kernels k, Storage[] scratch, int i, Storage out, int outOff, int start, int len) {
            Deferred d = exprs[i];
            int end = start + len;
            for (int pos = start; pos < end; ) {
                int n = end - pos;
                for (int p : d.periods) {
                    if (p > 0) {
                        n = Math.min(n, p - pos % p);
                    }
                }
                k.zipRange((BinaryFn) d.fn, operand(scratch, i, 0), offsetAt(i, 0, start, pos), d.strides[0],
                        operand(scratch, i, 1), offsetAt(i, 1, start, pos), d.strides[1], out, outOff + pos - start, n);
                pos += n;
            }
        }

        /** Where operand {@code k} of node {@code i} holds element {@code pos} of the chunk that begins at {@code start}. */
        private int offsetAt(int i, int k, int start, int pos) {
            int p = exprs[i].periods[k];
            if (p > 0) {
                return leafOffset[i][k] + pos % p;
            }
            return offset(i, k, start) + (pos - start) * exprs[i].strides[k];
        }

        private Storage operand(Storage[] scratch, int i, int k) {
            int p = producer[i][k];
            if (p < 0) {
                return leafStorage[i][k];
            }
            return targets[p] != null ? targets[p] : scratch[buffer[p]];
        }

        private int offset(int i, int k, int start) {
            int p = producer[i][k];
            if (p < 0) {
                return leafOffset[i][k] + start * exprs[i].strides[k];
            }
            return targets[p] != null ? start : 0;
        }
    }

    private static int minElements() {
        String p = System.getProperty("jgrad.fusion.minElements");
        if (p == null) {
            return DEFAULT_MIN_ELEMENTS;
        }
        try {
            return Integer.parseInt(p.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jgrad.fusion.minElements: expected an integer (0 turns deferral off), got '" + p + "'", e);
        }
    }
}
