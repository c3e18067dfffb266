package dev.jgrad.autograd;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Helpers for pushing a batch of tangents (or pulling a batch of cotangents) through an op at once:
 * a batched tensor is {@code [B, ...shape]}. Element-wise rules see the batch directly (their
 * broadcasting does the work); other rules see one slice at a time.
 */
public final class Batching {
    /** Number of leading batch axes the rule being called carries; read by ShapeOps.sumTo. */
    private static final ThreadLocal<int[]> LEADING = ThreadLocal.withInitial(() -> new int[1]);

    private Batching() {
    }

    /**
     * Threads that currently declare leading axes. While none does (no batched pass anywhere), the
     * answer is 0 without a thread-local lookup; a thread declaring axes counts itself here first.
     */
    private static final AtomicInteger BATCHED_THREADS = new AtomicInteger();

    /** Leading axes of the cotangents the current element-wise reverse rule was called with (0 or 1). */
    public static int leadingAxes() {
        return BATCHED_THREADS.get() == 0 ? 0 : LEADING.get()[0];
    }

    /** Runs {@code body} with {@code k} leading batch axes declared; restores the previous value. */
    static <T> T withLeadingAxes(int k, Supplier<T> body) {
        int[] cell = LEADING.get();
        int previous = cell[0];
        boolean counts = previous == 0 && k != 0;
        if (counts) {
            BATCHED_THREADS.incrementAndGet();
        }
        cell[0] = k;
        try {
            return body.get();
        } finally {
            cell[0] = previous;
            if (counts) {
                BATCHED_THREADS.decrementAndGet();
            }
        }
    }

    /** {@code [B, ...shape]} → {@code [B, 1, …, 1, ...shape]} with rank {@code 1 + rank}. */
    static Tensor padTo(Tensor batched, int rank) {
        int[] s = batched.shape();
        int missing = rank + 1 - s.length;
        if (missing <= 0) {
            return batched;
        }
        int[] padded = new int[rank + 1];
        padded[0] = s[0];
        Arrays.fill(padded, 1, 1 + missing, 1);
        System.arraycopy(s, 1, padded, 1 + missing, s.length - 1);
        return batched.reshape(padded);
    }

    /** Direction {@code b} of a batched tensor: {@code [B, ...shape]} → {@code shape}. */
    static Tensor slice(Tensor batched, int b) {
        return batched.slice(0, b, b + 1).squeeze(0);
    }

    /** {@code [B] ++ shape}. */
    public static int[] batchedShape(int batch, int[] shape) {
        int[] r = new int[shape.length + 1];
        r[0] = batch;
        System.arraycopy(shape, 0, r, 1, shape.length);
        return r;
    }

    /**
     * Checks a rule's batched result has shape {@code [B] ++ shape}; a result of plain
     * {@code shape} does not depend on the direction (e.g. zeros) and is broadcast over the batch.
     */
    static Tensor fit(Tensor r, int batch, int[] shape, String op, String what) {
        int[] want = batchedShape(batch, shape);
        if (Arrays.equals(r.shape(), want)) {
            return r;
        }
        if (Arrays.equals(r.shape(), shape)) {
            return r.broadcastTo(want);
        }
        throw new IllegalStateException("internal error: the batched " + what + " rule of '" + op + "' returned shape "
                + Shapes.str(r.shape()) + ", expected " + Shapes.str(want));
    }

    /**
     * Zeros of shape {@code [B] ++ like.shape} ({@code like}'s shape when B = 0), in like's dtype: a
     * read-only broadcast view, see {@link #isZero}.
     */
    static Tensor zeros(int batch, Tensor like) {
        int[] shape = batch == 0 ? like.shape() : batchedShape(batch, like.shape());
        NDArray zero = like.dtype() == DType.FLOAT32 ? ZERO_F32 : ZERO_F64;
        return TensorAccess.wrap(zero.broadcastTo(shape));
    }

    /**
     * True for the zeros the engines substitute for a missing tangent or gradient: a stride-0 view
     * of one shared zero (nothing allocated), so a rule may skip a term it multiplies (matmul's
     * JVP drops A·0 when only the other operand carries a tangent).
     */
    public static boolean isZero(Tensor t) {
        Object storage = TensorAccess.value(t).storage();
        return storage == ZERO_F64.storage() || storage == ZERO_F32.storage();
    }

    private static final NDArray ZERO_F64 = NDArray.zeros(DType.FLOAT64, new int[0]).makePermanent();
    private static final NDArray ZERO_F32 = NDArray.zeros(DType.FLOAT32, new int[0]).makePermanent();

    /** Stacks per-direction results (each of {@code shape}) into {@code [B] ++ shape}. */
    static Tensor stack(Tensor[] slices) {
        return Tensor.stack(0, slices);
    }

    /** Direction-by-direction application, used for rules that are not batch-transparent. */
    interface PerSlice {
        Tensor apply(int b);
    }

    static Tensor perSlice(int batch, PerSlice body) {
        Tensor[] out = new Tensor[batch];
        for (int b = 0; b < batch; b++) {
            out[b] = body.apply(b);
        }
        return stack(out);
    }
}
