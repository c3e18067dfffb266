package dev.jgrad.tensor;

import dev.jgrad.DType;
import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.KernelProvider;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.kernels.UnaryFn;

import java.util.List;

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
 *
 * <p>The sum of all elements of a pending array is pending too ({@link #sumLater}): a one-element
 * array computed when it is read, or earlier, alongside any evaluation that computes the summed
 * array's elements — stored or only in scratch buffers. So {@code loss = f(x).sum();
 * loss.backward(); x.grad()} computes f, the loss and the gradient in one pass over x when the
 * loss is read after the gradient (or never): the gradient's expression contains f(x), and the
 * loss is summed from it piece by piece as the pass goes (a value-and-gradient in one pass, as
 * JAX's {@code jit(value_and_grad(f))} fuses it). Reading the loss first computes f(x), stores it
 * and sums it, as before; the backward pass then reads the stored f(x). Either way the sum has the
 * same value, bit for bit, as a sum of the stored array ({@link #sumAll}).
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
    /** Pending sums completed by an evaluation of some other array (guarded by LOCK). */
    static long sumsAlongside;
    /** Marks the {@link #fn} of a pending whole-array sum ({@link #sumLater}). */
    static final Object SUM_ALL = new Object() {
        @Override
        public String toString() {
            return "sum";
        }
    };

    /** The op: a {@link UnaryFn} or {@link BinaryFn}, or {@link #SUM_ALL}. */
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
    /** Pending one-element ops in this expression, itself included, up to the first pending sums ({@link #scalar}). */
    final int scalarOps;

    private Deferred(Object fn, NDArray[] operands, int[] strides, int[] periods, DType dtype, int numel) {
        this.fn = fn;
        this.operands = operands;
        this.strides = strides;
        this.periods = periods;
        this.dtype = dtype;
        this.numel = numel;
        this.scalarOps = numel == 1 && fn != SUM_ALL ? scalarOps(operands) : 1;
    }

    /**
     * The array of a new expression, recorded as a reader of each stored operand's elements, so
     * that releasing one computes this expression first ({@link Lease#computeReaders}; caller
     * holds LOCK).
     */
    private static NDArray pending(Deferred d, int[] shape) {
        NDArray out = new NDArray(d, shape);
        for (NDArray o : d.operands) {
            if (!o.isDeferred()) {
                o.storage().lease().addReader(out);
            }
        }
        return out;
    }

    /** {@link #scalarOps} of a one-element op on these operands (caller holds LOCK). */
    private static int scalarOps(NDArray[] operands) {
        int ops = 1;
        for (NDArray o : operands) {
            Deferred d = o.deferredExpression();
            ops += d == null || d.fn == SUM_ALL ? 0 : d.scalarOps;
        }
        return ops;
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

    /** Pending sums computed alongside an evaluation of another array so far ({@link #sumLater}): for tests only. */
    public static long sumsAlongside() {
        synchronized (LOCK) {
            return sumsAlongside;
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
        if (n == 1 && x.isDeferred()) {
            return scalar(f, new NDArray[] {x}, x.dtype(), x.shapeRef());
        }
        settle(x);
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
        if (n == 1 && (a.isDeferred() || b.isDeferred()) && a.dtype() == b.dtype()) {
            return scalar(f, new NDArray[] {a, b}, a.dtype(), shape);
        }
        settle(a);
        settle(b);
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

    /**
     * A one-element op on a pending operand — a pending sum ({@link #sumLater}) or another such op
     * — kept pending too: {@code f(x).mean()} (a sum divided by a count), {@code loss.mul(0.5)} or a
     * sum of two losses are then computed when read, after the sums they need, so a loss built
     * from pending sums still rides in the gradient's pass. Evaluated like any expression (one
     * element), its pending sums computed first ({@link DeferredGraph#visit}). At most
     * {@link #MAX_NODES} such ops in a row; beyond that the operands are computed first.
     */
    private static NDArray scalar(Object fn, NDArray[] operands, DType dtype, int[] shape) {
        synchronized (LOCK) {
            if (scalarOps(operands) > MAX_NODES) {
                for (NDArray o : operands) {
                    o.storage();
                }
            }
            // One element: every operand is read at its only element (stride 0 from its offset).
            return pending(new Deferred(fn, operands, new int[operands.length], new int[operands.length], dtype, 1), shape);
        }
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
            return pending(new Deferred(fn, operands, strides, periods, dtype, Shapes.numel(shape)), shape);
        }
    }

    /**
     * Computes {@code root}'s elements (and any interior result due to be stored, and any pending
     * sum of a node it computes) and publishes them.
     */
    static Storage materialize(NDArray root) {
        synchronized (LOCK) {
            if (root.isDeferred()) {
                Deferred d = root.deferredExpression();
                if (d.fn == SUM_ALL) {
                    NDArray x = d.operands[0];
                    if (x.isDeferred()) {
                        // Its evaluation completes every pending sum of x, this one included.
                        new DeferredEvaluation(x).run();
                    }
                    if (root.isDeferred()) {
                        PendingSums.complete(List.of(root), sumAll(x));
                    }
                } else {
                    new DeferredEvaluation(root).run();
                }
            }
            return root.storage();
        }
    }

    /**
     * The sum of all elements of {@code x} as a pending array of {@code shape} (one element), or
     * null when x is not pending (the caller sums it now, with {@link #sumAll}). The value is
     * computed when read, or alongside the first evaluation that computes x's elements; either way
     * it is {@link #sumAll}'s value for x.
     */
    public static NDArray sumLater(NDArray x, int[] shape) {
        settle(x);
        synchronized (LOCK) {
            if (!x.isDeferred()) {
                return null;
            }
            NDArray s = pending(new Deferred(SUM_ALL, new NDArray[] {x}, new int[] {1}, new int[1], x.dtype(), 1), shape);
            PendingSums.register(x, s);
            return s;
        }
    }

    /**
     * Σ of all elements of a contiguous or pending array, block by block ({@link Kernels#SUM_BLOCK}):
     * each block's {@link Kernels#sumRange}, the blocks' sums added in order. A pending array is
     * computed and summed block by block as it is written (no second read from memory).
     */
    public static double sumAll(NDArray x) {
        settle(x);
        double[] partial;
        synchronized (LOCK) {
            if (x.isDeferred()) {
                partial = DeferredEvaluation.runForSums(x);
                return PendingSums.total(partial);
            }
        }
        Storage s = x.storage();
        int off = x.layout().offset();
        int n = x.numel();
        Kernels k = KernelProvider.get();
        double[] sums = new double[Kernels.sumBlocks(n)];
        Parallel.forPieces(sums.length, 2, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                int start = b * Kernels.SUM_BLOCK;
                sums[b] = k.sumRange(s, off + start, Math.min(n - start, Kernels.SUM_BLOCK));
            }
        });
        return PendingSums.total(sums);
    }

    /**
     * Computes a pending one-element operand of a larger op now — a pending sum, or an op on one
     * ({@link #scalar}) — so that it is a stored operand (such arrays never enter an expression
     * over many elements).
     */
    private static void settle(NDArray x) {
        if (x.numel() == 1 && x.isDeferred()) {
            x.storage();
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
