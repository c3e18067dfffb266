package dev.jgrad;

import dev.jgrad.tensor.Shapes;

import java.util.Arrays;

/**
 * The Jacobian of a function {@code f: R^inputShape → R^outputShape} at a point, as a linear
 * operator that keeps its structure. Obtained from {@link Functional#jacobian}, {@link Functional#jacfwd},
 * {@link Functional#jacrev} or {@link Functional#hessian}.
 * <ul>
 * <li>{@link #apply}{@code (v)} = J·v (a tangent of the input's shape → the output's shape);</li>
 * <li>{@link #applyTranspose}{@code (w)} = Jᵀ·w (a cotangent of the output's shape → the input's);</li>
 * <li>{@link #toDense()} materialises J with shape {@code outputShape ++ inputShape} (PyTorch's
 * {@code torch.autograd.functional.jacobian} layout).</li>
 * </ul>
 * When {@code f} is element-wise in its input (built only from element-wise ops, nothing mixing
 * elements), J is diagonal and only the diagonal is stored: a tensor of the input's shape, n numbers
 * rather than n². All results are differentiable tensors.
 */
public abstract sealed class Jacobian permits Jacobian.Dense, Jacobian.Diagonal {
    private final int[] outputShape;
    private final int[] inputShape;

    private Jacobian(int[] outputShape, int[] inputShape) {
        this.outputShape = outputShape.clone();
        this.inputShape = inputShape.clone();
    }

    /** Shape of f's output. */
    public int[] outputShape() {
        return outputShape.clone();
    }

    /** Shape of f's input. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** J·v for {@code v} of the input's shape; the result has the output's shape. */
    public abstract Tensor apply(Tensor v);

    /** Jᵀ·w for {@code w} of the output's shape; the result has the input's shape. */
    public abstract Tensor applyTranspose(Tensor w);

    /** J as a tensor of shape {@code outputShape ++ inputShape}. */
    public abstract Tensor toDense();

    /** True when only the diagonal is stored (f is element-wise in its input). */
    public abstract boolean isDiagonal();

    /** Number of numbers this operator stores (n for a diagonal Jacobian, m·n for a dense one). */
    public abstract long storedElements();

    /**
     * The diagonal of a square Jacobian, in the input's shape (∂y_i/∂x_i). For a dense Jacobian
     * whose output and input shapes differ there is no diagonal.
     */
    public abstract Tensor diagonal();

    int inputSize() {
        return Shapes.numel("jacobian", inputShape);
    }

    int outputSize() {
        return Shapes.numel("jacobian", outputShape);
    }

    void checkShape(String op, Tensor t, int[] expected, String what) {
        if (t == null) {
            throw new IllegalArgumentException("Jacobian." + op + ": " + what + " is null");
        }
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException("Jacobian." + op + ": " + what + " has shape " + Shapes.str(t.shape())
                    + " but the Jacobian maps " + Shapes.str(inputShape) + " -> " + Shapes.str(outputShape)
                    + ", so it must be " + Shapes.str(expected));
        }
    }

    int[] denseShape() {
        int[] s = Arrays.copyOf(outputShape, outputShape.length + inputShape.length);
        System.arraycopy(inputShape, 0, s, outputShape.length, inputShape.length);
        return s;
    }

    @Override
    public String toString() {
        return (isDiagonal() ? "DiagonalJacobian" : "DenseJacobian") + Shapes.str(outputShape) + " <- "
                + Shapes.str(inputShape);
    }

    /** A Jacobian stored as an m×n matrix (rows: output elements, columns: input elements). */
    static final class Dense extends Jacobian {
        private final Tensor matrix;

        Dense(Tensor matrix, int[] outputShape, int[] inputShape) {
            super(outputShape, inputShape);
            this.matrix = matrix;
        }

        @Override
        public Tensor apply(Tensor v) {
            checkShape("apply", v, inputShape(), "v");
            return matrix.matmul(v.reshape(inputSize()).to(matrix.dtype())).reshape(outputShape());
        }

        @Override
        public Tensor applyTranspose(Tensor w) {
            checkShape("applyTranspose", w, outputShape(), "w");
            return w.reshape(outputSize()).to(matrix.dtype()).matmul(matrix).reshape(inputShape());
        }

        @Override
        public Tensor toDense() {
            return matrix.reshape(denseShape());
        }

        @Override
        public boolean isDiagonal() {
            return false;
        }

        @Override
        public long storedElements() {
            return (long) outputSize() * inputSize();
        }

        @Override
        public Tensor diagonal() {
            if (!Arrays.equals(outputShape(), inputShape())) {
                throw new IllegalStateException("Jacobian.diagonal: the Jacobian maps " + Shapes.str(inputShape()) + " -> "
                        + Shapes.str(outputShape()) + "; only a square Jacobian (same shapes) has a diagonal");
            }
            return matrix.mul(Tensor.eye(inputSize()).to(matrix.dtype())).sum(1).reshape(inputShape());
        }
    }

    /** The Jacobian of an element-wise function: diag(d) with d of the input's shape. */
    static final class Diagonal extends Jacobian {
        private final Tensor diagonal;

        Diagonal(Tensor diagonal) {
            super(diagonal.shape(), diagonal.shape());
            this.diagonal = diagonal;
        }

        @Override
        public Tensor apply(Tensor v) {
            checkShape("apply", v, inputShape(), "v");
            return diagonal.mul(v);
        }

        @Override
        public Tensor applyTranspose(Tensor w) {
            checkShape("applyTranspose", w, outputShape(), "w");
            return diagonal.mul(w);
        }

        @Override
        public Tensor toDense() {
            int n = inputSize();
            return Tensor.eye(n).to(diagonal.dtype()).mul(diagonal.reshape(1, n)).reshape(denseShape());
        }

        @Override
        public boolean isDiagonal() {
            return true;
        }

        @Override
        public long storedElements() {
            return inputSize();
        }

        @Override
        public Tensor diagonal() {
            return diagonal;
        }
    }
}
