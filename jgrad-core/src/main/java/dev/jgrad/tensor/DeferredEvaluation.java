package dev.jgrad.tensor;

import dev.jgrad.DType;
import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.KernelProvider;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.kernels.UnaryFn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One evaluation: which results are stored, which live in scratch buffers, which are summed
 * ({@link Deferred#sumLater}), and the chunked loop.
 */
final class DeferredEvaluation {
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
    /** Runs of cheap arithmetic computed in one pass each. */
    private final ArithGroups groups;
    /** Nodes whose whole-array sum is wanted: the root when summed for the caller, and every node with pending sums. */
    private final int[] summed;
    /** Per summed node: its pending sums to complete. */
    private final List<List<NDArray>> summedSums;
    /** Per summed node: each {@link Kernels#SUM_BLOCK} block's sum, filled as the pieces are computed. */
    private final double[][] blockSums;
    /**
     * Per node: the index in the scratch array of a piece-sized buffer holding the node's elements of
     * the current piece (a summed node that is not stored), or −1. Summed from there once the piece is done.
     */
    private final int[] pieceBuffer;
    private final int pieceBuffers;

    DeferredEvaluation(NDArray root) {
        this(root, false);
    }

    /** @param sumRoot the caller wants the root's block sums ({@link #runForSums}) */
    private DeferredEvaluation(NDArray root, boolean sumRoot) {
        DeferredGraph g = new DeferredGraph();
        // Pending arrays whose sums are wanted and that need no stored array the root does not
        // read ride along: their nodes come first, the root stays last.
        for (NDArray extra : ridingAlong(root)) {
            g.visit(extra);
        }
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
                }
            }
            boolean store = i == count - 1 || d.recomputations >= Deferred.RECOMPUTE_LIMIT;
            if (store) {
                targets[i] = Storage.allocateToOverwrite(d.dtype, d.numel);
            }
        }
        numel = exprs[count - 1].numel;
        dtype = exprs[count - 1].dtype;
        // Summed nodes: their sums are taken per piece from the stored result or a piece buffer.
        List<Integer> summedNodes = new ArrayList<>();
        summedSums = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<NDArray> pending = PendingSums.of(arrays[i]);
            if (!pending.isEmpty() || (sumRoot && i == count - 1)) {
                summedNodes.add(i);
                summedSums.add(pending);
            }
        }
        summed = summedNodes.stream().mapToInt(Integer::intValue).toArray();
        blockSums = new double[summed.length][Kernels.sumBlocks(numel)];
        boolean[] stored = new boolean[count];
        for (int i = 0; i < count; i++) {
            stored[i] = targets[i] != null;
        }
        // A summed node is an output of the evaluation too: never inlined into a fused loop.
        for (int i : summed) {
            stored[i] = true;
        }
        groups = ArithGroups.find(exprs, producer, stored, dtype);
        Deferred.fusedGroups += groups.groups();
        Deferred.fusedOps += groups.ops();
        // A node computed inside a fused loop reads its operands when that loop's root runs.
        for (int i = 0; i < count; i++) {
            for (int p : producer[i]) {
                if (p >= 0) {
                    lastUse[p] = Math.max(lastUse[p], groups.runsAt[i]);
                }
            }
        }
        // Linear-scan buffer assignment: a result's buffer is free again after its last consumer ran.
        buffer = new int[count];
        List<Integer> free = new ArrayList<>();
        List<List<Integer>> releaseAfter = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            releaseAfter.add(new ArrayList<>());
        }
        int made = 0;
        pieceBuffer = new int[count];
        Arrays.fill(pieceBuffer, -1);
        for (int i : summed) {
            if (targets[i] == null) {
                pieceBuffer[i] = 0; // numbered below, after the chunk buffers
            }
        }
        for (int i = 0; i < count; i++) {
            if (pieceBuffer[i] >= 0) {
                buffer[i] = -1;
            } else if (targets[i] == null && !groups.inlined[i]) {
                buffer[i] = free.isEmpty() ? made++ : free.removeLast();
                releaseAfter.get(lastUse[i]).add(buffer[i]);
            } else {
                buffer[i] = -1;
            }
            free.addAll(releaseAfter.get(i));
        }
        buffers = made;
        int pieces = 0;
        for (int i = 0; i < count; i++) {
            if (pieceBuffer[i] >= 0) {
                pieceBuffer[i] = made + pieces++;
            }
        }
        pieceBuffers = pieces;
    }

    /**
     * The pending arrays with pending sums ({@link Deferred#sumLater}) that an evaluation of
     * {@code root} computes as well: same element count, every stored array of more than one
     * element they read already read by the root's expression (so they add arithmetic, not memory
     * traffic), and all together within {@link Deferred#MAX_NODES} ops. This is what makes
     * {@code loss = f(x).sum(); loss.backward(); x.grad()} one pass when the gradient's expression
     * does not contain f(x) itself (a squared error: the rule of square reads its input). Caller
     * holds {@link Deferred#LOCK}.
     */
    private static List<NDArray> ridingAlong(NDArray root) {
        List<NDArray> summed = PendingSums.summedArrays();
        if (summed.isEmpty()) {
            return List.of();
        }
        DeferredGraph taken = new DeferredGraph();
        taken.visit(root);
        List<NDArray> extra = new ArrayList<>();
        for (NDArray y : summed) {
            if (!y.isDeferred() || y.numel() != root.numel() || y.dtype() != root.dtype() || taken.index.containsKey(y)) {
                continue;
            }
            DeferredGraph trial = new DeferredGraph();
            trial.visit(y);
            int added = 0;
            for (NDArray node : trial.nodes) {
                added += taken.index.containsKey(node) ? 0 : 1;
            }
            boolean noNewReads = true;
            for (Storage leaf : trial.leaves.keySet()) {
                noNewReads &= leaf.length() <= 1 || taken.leaves.containsKey(leaf);
            }
            if (noNewReads && taken.nodes.size() + added <= Deferred.MAX_NODES) {
                taken.visit(y);
                extra.add(y);
            }
        }
        return extra;
    }

    /**
     * A pending {@code x}'s block sums ({@link Kernels#SUM_BLOCK}), computing x (stored) and
     * completing its pending sums on the way; caller holds {@link Deferred#LOCK}.
     */
    static double[] runForSums(NDArray x) {
        DeferredEvaluation e = new DeferredEvaluation(x, true);
        e.run();
        return e.blockSums[e.summed.length - 1];
    }

    /**
     * Computes every node, publishes the stored ones and completes the pending sums of every
     * summed node (caller holds {@link Deferred#LOCK}).
     */
    void run() {
        Kernels k = KernelProvider.get();
        Parallel.forPieces(numel, Deferred.MIN_PARALLEL, Deferred.PIECE, (from, to) -> pieces(k, from, to));
        for (int i = 0; i < count; i++) {
            if (targets[i] != null) {
                arrays[i].complete(targets[i]);
            } else {
                exprs[i].recomputations++;
            }
        }
        NDArray root = arrays[count - 1];
        for (int j = 0; j < summed.length; j++) {
            List<NDArray> pending = summedSums.get(j);
            if (!pending.isEmpty()) {
                if (arrays[summed[j]] != root) {
                    Deferred.sumsAlongside += pending.size();
                }
                PendingSums.complete(pending, PendingSums.total(blockSums[j]));
            }
        }
    }

    /** Elements {@code [from, to)} (whole pieces from a piece boundary) of every node, with the summed nodes' piece sums. */
    private void pieces(Kernels k, int from, int to) {
        Storage[] scratch = new Storage[buffers + pieceBuffers];
        for (int b = 0; b < buffers; b++) {
            scratch[b] = Storage.allocate(dtype, Math.min(Deferred.CHUNK, to - from));
        }
        for (int b = buffers; b < scratch.length; b++) {
            // Plain new arrays: a size asked for once per evaluation is not worth keeping ready (FreshArrays).
            int n = Math.min(Deferred.PIECE, to - from);
            scratch[b] = dtype == DType.FLOAT64 ? new Storage.F64(new double[n]) : new Storage.F32(new float[n]);
        }
        Storage[][] leaves = new Storage[count][];
        int[][] offsets = new int[count][];
        for (int i = 0; i < count; i++) {
            if (groups.isRoot(i)) {
                leaves[i] = new Storage[groups.leaves(i)];
                offsets[i] = new int[groups.leaves(i)];
            }
        }
        ArithGroups.NodeChunks chunks = new ArithGroups.NodeChunks() {
            @Override
            public Storage storage(int node) {
                return chunk(scratch, node);
            }

            @Override
            public int offset(int node, int start) {
                return chunkOffset(node, start);
            }
        };
        for (int piece = from; piece < to; piece += Deferred.PIECE) {
            int end = Math.min(to, piece + Deferred.PIECE);
            for (int start = piece; start < end; start += Deferred.CHUNK) {
                step(k, scratch, start, Math.min(Deferred.CHUNK, end - start), chunks, leaves, offsets);
            }
            for (int j = 0; j < summed.length; j++) {
                int node = summed[j];
                blockSums[j][piece / Deferred.PIECE] = k.sumRange(chunk(scratch, node), chunkOffset(node, piece), end - piece);
            }
        }
    }

    /** Elements {@code [start, start + len)} of every node, in operand-first order. */
    private void step(Kernels k, Storage[] scratch, int start, int len, ArithGroups.NodeChunks chunks,
                      Storage[][] leaves, int[][] offsets) {
        for (int i = 0; i < count; i++) {
            if (groups.inlined[i]) {
                continue;
            }
            Deferred d = exprs[i];
            Storage out = chunk(scratch, i);
            int outOff = chunkOffset(i, start);
            if (groups.isRoot(i)) {
                groups.run(k, i, chunks, out, outOff, start, len, leaves[i], offsets[i]);
                continue;
            }
            Storage a = operand(scratch, i, 0);
            int aOff = offset(i, 0, start);
            if (sinCosNext[i]) {
                Storage other = chunk(scratch, i + 1);
                int otherOff = chunkOffset(i + 1, start);
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
        return chunk(scratch, p);
    }

    private int offset(int i, int k, int start) {
        int p = producer[i][k];
        if (p < 0) {
            return leafOffset[i][k] + start * exprs[i].strides[k];
        }
        return chunkOffset(p, start);
    }

    /** Where node {@code p}'s elements of the current chunk are: its stored result, piece buffer or chunk buffer. */
    private Storage chunk(Storage[] scratch, int p) {
        return targets[p] != null ? targets[p] : scratch[pieceBuffer[p] >= 0 ? pieceBuffer[p] : buffer[p]];
    }

    /** The index of the chunk that begins at {@code start} in {@link #chunk} (pieces begin at multiples of PIECE). */
    private int chunkOffset(int p, int start) {
        return targets[p] != null ? start : pieceBuffer[p] >= 0 ? start % Deferred.PIECE : 0;
    }
}
