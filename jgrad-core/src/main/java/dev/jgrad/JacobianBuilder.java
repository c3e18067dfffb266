package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.Batching;
import dev.jgrad.autograd.ForwardTag;
import dev.jgrad.autograd.GradMode;
import dev.jgrad.autograd.ReverseEngine;
import dev.jgrad.tensor.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Builds {@link Jacobian}s for {@link Functional}: a structure probe, then batched forward passes
 * (columns) or batched reverse passes over one recorded forward pass (rows), in memory-bounded chunks.
 */
final class JacobianBuilder {
    private JacobianBuilder() {
    }

    static Jacobian build(String op, Function<Tensor, Tensor> f, Tensor x, Functional.Mode mode, long budget) {
        boolean differentiable = Functional.differentiableResult(x);
        boolean record = mode != Functional.Mode.FORWARD;
        // One pass with a structure-watching tangent of ones: if f is element-wise in x, that
        // tangent is the whole (diagonal) Jacobian. In reverse mode the same pass records the graph.
        ForwardTag probe = new ForwardTag(0, true);
        Tensor alias;
        Tensor y;
        Tensor diagonal;
        boolean previous = GradMode.set(record || GradMode.isEnabled());
        try {
            alias = Autograd.dual(x, record, probe, Tensor.onesLike(x));
            y = Functional.call(op, xs -> f.apply(xs[0]), alias);
            diagonal = Autograd.tangentOf(y, probe);
        } finally {
            GradMode.set(previous);
            probe.close();
        }
        if (Arrays.equals(y.shape(), x.shape()) && probe.isDiagonal(diagonal)) {
            return new Jacobian.Diagonal(differentiable ? diagonal : diagonal.detach());
        }
        int n = x.numel();
        int m = y.numel();
        boolean forward = mode == Functional.Mode.FORWARD || (mode == Functional.Mode.AUTO && n < m);
        int elementSize = Math.max(x.dtype().byteSize(), y.dtype().byteSize());
        Tensor matrix;
        if (n == 0 || m == 0) {
            matrix = Tensor.zeros(y.dtype(), m, n);
        } else if (forward) {
            matrix = columns(op, f, x, n, m, chunk(op, budget, n, m, elementSize, n));
        } else {
            matrix = rows(op, y, alias, n, m, chunk(op, budget, n, m, elementSize, m), differentiable);
        }
        return new Jacobian.Dense(differentiable ? matrix : matrix.detach(), y.shape(), x.shape());
    }

    /** Directions per pass: as many as fit in the budget, at least one. */
    private static int chunk(String op, long budget, int n, int m, int elementSize, int directions) {
        long perDirection = Math.multiplyExact((long) n + m, elementSize);
        return (int) Math.max(1, Math.min(directions, budget / perDirection));
    }

    /** Forward mode: each chunk of b basis tangents is one forward pass giving b columns of J. */
    private static Tensor columns(String op, Function<Tensor, Tensor> f, Tensor x, int n, int m, int chunk) {
        List<Tensor> cols = new ArrayList<>();
        for (int start = 0; start < n; start += chunk) {
            int b = Math.min(chunk, n - start);
            ForwardTag tag = new ForwardTag(b);
            try {
                Tensor alias = Autograd.dual(x, false, tag, basis(b, start, x.shape(), x.dtype()));
                Tensor y = Functional.call(op, xs -> f.apply(xs[0]), alias);
                if (y.numel() != m) {
                    throw new IllegalStateException(op + ": the function returned shape " + Shapes.str(y.shape())
                            + " on one pass and " + m + " elements on another; it must be deterministic in shape");
                }
                cols.add(Autograd.tangentOf(y, tag).reshape(b, m));
            } finally {
                tag.close();
            }
        }
        return Tensor.concat(0, cols).transpose(0, 1);
    }

    /** Reverse mode: each chunk of b basis cotangents is one reverse pass over the recorded graph. */
    private static Tensor rows(String op, Tensor y, Tensor alias, int n, int m, int chunk, boolean differentiable) {
        List<Tensor> rows = new ArrayList<>();
        for (int start = 0; start < m; start += chunk) {
            int b = Math.min(chunk, m - start);
            Tensor seed = basis(b, start, y.shape(), y.dtype());
            boolean last = start + b >= m;
            Tensor g = ReverseEngine.gradients(y, seed, new Tensor[] {alias}, !last || differentiable, differentiable, b)[0];
            rows.add(g.reshape(b, n));
        }
        return Tensor.concat(0, rows);
    }

    /** Rows start … start+b−1 of the identity, shaped {@code [b] ++ shape}. */
    private static Tensor basis(int b, int start, int[] shape, DType dtype) {
        int size = Shapes.numel("jacobian", shape);
        double[] data = new double[Math.multiplyExact(b, size)];
        for (int i = 0; i < b; i++) {
            data[i * size + start + i] = 1.0;
        }
        return Tensor.of(data, Batching.batchedShape(b, shape)).to(dtype);
    }
}
