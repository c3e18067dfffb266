package dev.jgrad.tensor;

import dev.jgrad.DType;
import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.UnaryFn;

/**
 * Deferred element-wise evaluation: on large arrays, {@link UnaryFn} and {@link BinaryFn} results
 * are not computed when the op runs but kept as an expression over their operands, and computed
 * when something reads the elements ({@link NDArray#storage()}). A whole chain of element-wise ops
 * — a forward pass, the reverse rules of one, a tangent — then costs one pass over memory instead
 * of one pass per op: the expression is evaluated chunk by chunk, each op's chunk in a small
 * scratch buffer that stays in cache, and only the array that was read is written out. Runs of
 * cheap exact arithmetic (the products and sums of a chain rule) go further: they are computed in
 * one loop per run with every intermediate in a register ({@link ArithGroups}); transcendental
 * functions keep their own pass over the chunk.
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
    static final int CHUNK = 2048;
    /**
     * Elements the evaluating threads take at a time: small enough that a slowed thread holds up
     * little; one block of a whole-array sum, so {@link #blockSums} can sum each piece as it is done.
     */
    static final int PIECE = Kernels.SUM_BLOCK;
    /** Elements per thread below which evaluation stays on the calling thread (as the kernels). */
    static final int MIN_PARALLEL = 1 << 16;
    static final Object LOCK = new Object();
    /** Not final only so tests can compare deferred with op-by-op evaluation in one JVM. */
    private static int minElements = minElements();
    /** Fused loops set up by all evaluations (guarded by LOCK). */
    static long fusedGroups;
    /** Ops computed inside those loops, their roots included (guarded by LOCK). */
    static long fusedOps;

    /** The op: a {@link UnaryFn} or {@link BinaryFn}. */
    final Object fn;
    final NDArray[] operands;
    /** 1: the operand is read element by element; 0: it is one element broadcast to every position. */
    final int[] strides;
    /** Per operand: 0, or the length p of a stored block read at position i mod p (see {@link DeferredOperands#period}). */
    final int[] periods;
    final DType dtype;
    final int numel;
    /** Times this expression was computed inside another one without being stored (guarded by LOCK). */
    int recomputations;

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

    /** Fused arithmetic loops set up so far ({@link ArithGroups}): for tests only. */
    public static long fusedGroups() {
        synchronized (LOCK) {
            return fusedGroups;
        }
    }

    /** Ops computed inside fused loops so far, each loop's root included: for tests only. */
    public static long fusedOps() {
        synchronized (LOCK) {
            return fusedOps;
        }
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
            DeferredGraph g = new DeferredGraph();
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
                new DeferredEvaluation(root).run(null);
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
            new DeferredEvaluation(x).run(sums);
            return sums;
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
