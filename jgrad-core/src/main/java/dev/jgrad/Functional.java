package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;
import dev.jgrad.autograd.GradMode;
import dev.jgrad.autograd.ReverseEngine;
import dev.jgrad.tensor.Shapes;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Functional transforms, as in JAX and PyTorch's {@code torch.func}: derivatives of a Java function
 * of tensors, computed at a point, without touching anyone's {@code grad()}.
 * <ul>
 * <li>{@link #grad}, {@link #valueAndGrad}: gradient of a scalar function (reverse mode);</li>
 * <li>{@link #vjp}: output and pullback (reverse); {@link #jvp}: output and output tangent (forward);</li>
 * <li>{@link #jacobian} (mode chosen from the sizes), {@link #jacfwd}, {@link #jacrev}: the Jacobian
 * as a structured {@link Jacobian} operator, built from batches of tangents or cotangents;</li>
 * <li>{@link #hessian} (forward-over-reverse) and {@link #hvp} (Hessian-vector product without the
 * Hessian).</li>
 * </ul>
 * Transforms nest ({@code grad(grad(f))}, {@code jacfwd} of {@code grad}, {@code jvp} inside {@code jvp})
 * without perturbation confusion: each has its own forward tag or graph. When the point {@code x}
 * itself requires a gradient (and grad mode is on), results are differentiable with respect to it.
 */
public final class Functional {
    /** Default memory budget of a batched Jacobian pass, in bytes. */
    public static final long DEFAULT_JACOBIAN_BUDGET = 64L << 20;

    private Functional() {
    }

    /** A scalar-valued (or any) function of several tensors. */
    @FunctionalInterface
    public interface MultiFunction {
        Tensor apply(Tensor... inputs);
    }

    /** How {@link #jacobian(Function, Tensor, Mode, long)} computes the Jacobian. */
    public enum Mode {
        /** Forward when the input has fewer elements than the output, reverse otherwise. */
        AUTO,
        /** Batches of tangents (columns of J): one forward pass per chunk. */
        FORWARD,
        /** One recorded forward pass, then batches of cotangents (rows of J). */
        REVERSE
    }

    /** A function value and its gradient. */
    public record ValueAndGrad(Tensor value, Tensor grad) {
    }

    /** A function value and its gradients, one per input. */
    public record ValueAndGrads(Tensor value, Tensor[] grads) {
    }

    /** A function value and the tangent of the output (J·v). */
    public record JvpResult(Tensor output, Tensor tangent) {
    }

    /** A function value and the cotangent of the input (Jᵀ·w). */
    public record VjpResult(Tensor output, Tensor cotangent) {
    }

    // ---------------------------------------------------------------- gradients (reverse mode)

    /** ∇f(x) for a scalar-valued {@code f} (0-d or one element); the result has x's shape and dtype. */
    public static Tensor grad(Function<Tensor, Tensor> f, Tensor x) {
        return valueAndGrad(f, x).grad();
    }

    /** The function x ↦ ∇f(x); nest it for higher derivatives: {@code grad(grad(f))} on a 0-d x. */
    public static UnaryOperator<Tensor> grad(Function<Tensor, Tensor> f) {
        requireFunction("grad", f);
        return x -> grad(f, x);
    }

    /** f(x) and ∇f(x) from one forward and one reverse pass. */
    public static ValueAndGrad valueAndGrad(Function<Tensor, Tensor> f, Tensor x) {
        requireFunction("valueAndGrad", f);
        ValueAndGrads r = valueAndGrad(xs -> f.apply(xs[0]), new Tensor[] {x}, "valueAndGrad");
        return new ValueAndGrad(r.value(), r.grads()[0]);
    }

    /** Gradients of a scalar function of several tensors, one per input. */
    public static Tensor[] grad(MultiFunction f, Tensor... xs) {
        return valueAndGrad(f, xs).grads();
    }

    /** f(xs) and its gradients with respect to every input. */
    public static ValueAndGrads valueAndGrad(MultiFunction f, Tensor... xs) {
        requireFunction("valueAndGrad", f);
        return valueAndGrad(f, xs, "valueAndGrad");
    }

    private static ValueAndGrads valueAndGrad(MultiFunction f, Tensor[] xs, String op) {
        requireInputs(op, xs);
        boolean differentiable = differentiableResult(xs);
        Tensor[] aliases = new Tensor[xs.length];
        Tensor y;
        boolean previous = GradMode.set(true);
        try {
            for (int i = 0; i < xs.length; i++) {
                aliases[i] = Autograd.alias(xs[i], true);
            }
            y = call(op, f, aliases);
        } finally {
            GradMode.set(previous);
        }
        if (y.numel() != 1) {
            throw new IllegalArgumentException(op + ": the function must return a scalar (0-d or one element), got shape "
                    + Shapes.str(y.shape()) + "; use vjp or jacobian for non-scalar outputs");
        }
        Tensor[] grads = ReverseEngine.gradients(y, Tensor.onesLike(y), aliases, differentiable, differentiable, 0);
        return new ValueAndGrads(differentiable ? y : y.detach(), grads);
    }

    // ---------------------------------------------------------------- vjp / jvp

    /** The output of {@code f} at {@code x} and its pullback w ↦ Jᵀw, reusable for many cotangents. */
    public static Pullback vjp(Function<Tensor, Tensor> f, Tensor x) {
        requireFunction("vjp", f);
        requireInputs("vjp", x);
        boolean differentiable = differentiableResult(x);
        Tensor alias;
        Tensor y;
        boolean previous = GradMode.set(true);
        try {
            alias = Autograd.alias(x, true);
            y = call("vjp", xs -> f.apply(xs[0]), alias);
        } finally {
            GradMode.set(previous);
        }
        return new Pullback(y, alias, differentiable);
    }

    /** f(x) and Jᵀ·cotangent (one reverse pass); the cotangent has the output's shape. */
    public static VjpResult vjp(Function<Tensor, Tensor> f, Tensor x, Tensor cotangent) {
        Pullback p = vjp(f, x);
        return new VjpResult(p.output(), p.apply(cotangent));
    }

    /** The result of {@link #vjp(Function, Tensor)}: f's output and the map w ↦ Jᵀw. */
    public static final class Pullback {
        private final Tensor output;
        private final Tensor input;
        private final boolean differentiable;

        private Pullback(Tensor output, Tensor input, boolean differentiable) {
            this.output = output;
            this.input = input;
            this.differentiable = differentiable;
        }

        /** f(x). */
        public Tensor output() {
            return differentiable ? output : output.detach();
        }

        /** Jᵀ·w for a cotangent {@code w} of the output's shape; may be called any number of times. */
        public Tensor apply(Tensor w) {
            if (w == null) {
                throw new IllegalArgumentException("vjp: the cotangent is null (expected shape " + Shapes.str(output.shape()) + ")");
            }
            if (!Arrays.equals(w.shape(), output.shape())) {
                throw new IllegalArgumentException("vjp: cotangent shape " + Shapes.str(w.shape())
                        + " does not match the output shape " + Shapes.str(output.shape()));
            }
            if (!output.requiresGrad()) {
                return Tensor.zerosLike(input);
            }
            return ReverseEngine.gradients(output, w, new Tensor[] {input}, true, differentiable, 0)[0];
        }
    }

    /** f(x) and J·tangent, computed together in one forward pass; the tangent has x's shape. */
    public static JvpResult jvp(Function<Tensor, Tensor> f, Tensor x, Tensor tangent) {
        requireFunction("jvp", f);
        requireInputs("jvp", x);
        checkTangent("jvp", x, tangent);
        ForwardTag tag = new ForwardTag();
        try {
            Tensor alias = Autograd.dual(x, false, tag, tangent);
            Tensor y = call("jvp", xs -> f.apply(xs[0]), alias);
            return new JvpResult(y, Autograd.tangentOf(y, tag));
        } finally {
            tag.close();
        }
    }

    // ---------------------------------------------------------------- second order

    /**
     * H·v, the Hessian of a scalar {@code f} at x times v, by forward-over-reverse (one forward pass
     * with a tangent, one reverse pass that carries it); the Hessian is never formed.
     */
    public static Tensor hvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        requireFunction("hvp", f);
        requireInputs("hvp", x);
        checkTangent("hvp", x, v);
        boolean differentiable = differentiableResult(x);
        ForwardTag tag = new ForwardTag();
        boolean previous = GradMode.set(differentiable);
        try {
            Tensor alias = Autograd.dual(x, false, tag, v);
            Tensor g = grad(f, alias);
            return Autograd.tangentOf(g, tag);
        } finally {
            GradMode.set(previous);
            tag.close();
        }
    }

    /**
     * The Hessian of a scalar {@code f} at x, as the forward-mode Jacobian of its gradient
     * (forward-over-reverse). For a sum of element-wise terms it is diagonal and stored as such.
     * {@code toDense()} gives shape {@code x.shape ++ x.shape}.
     */
    public static Jacobian hessian(Function<Tensor, Tensor> f, Tensor x) {
        requireFunction("hessian", f);
        requireInputs("hessian", x);
        boolean differentiable = differentiableResult(x);
        return JacobianBuilder.build("hessian", z -> {
            boolean previous = GradMode.set(differentiable);
            try {
                return grad(f, z);
            } finally {
                GradMode.set(previous);
            }
        }, x, Mode.FORWARD, DEFAULT_JACOBIAN_BUDGET);
    }

    // ---------------------------------------------------------------- Jacobians

    /**
     * The Jacobian of {@code f} at x, forward mode when x has fewer elements than f(x) and reverse
     * mode otherwise, within {@link #DEFAULT_JACOBIAN_BUDGET} bytes per batch.
     */
    public static Jacobian jacobian(Function<Tensor, Tensor> f, Tensor x) {
        return jacobian(f, x, Mode.AUTO, DEFAULT_JACOBIAN_BUDGET);
    }

    /** Forward-mode Jacobian: batches of basis tangents, one forward pass per batch (JAX's jacfwd). */
    public static Jacobian jacfwd(Function<Tensor, Tensor> f, Tensor x) {
        return jacobian(f, x, Mode.FORWARD, DEFAULT_JACOBIAN_BUDGET);
    }

    /** Reverse-mode Jacobian: one recorded forward pass, batches of basis cotangents (JAX's jacrev). */
    public static Jacobian jacrev(Function<Tensor, Tensor> f, Tensor x) {
        return jacobian(f, x, Mode.REVERSE, DEFAULT_JACOBIAN_BUDGET);
    }

    /**
     * The Jacobian of {@code f} at x in the given mode. {@code memoryBudgetBytes} bounds the batched
     * seed and result of one pass (directions × (input + output elements) × element size): when
     * all directions do not fit, they are split into chunks. An element-wise {@code f} (input and
     * output of one shape, only element-wise ops between them) gives a diagonal {@link Jacobian}
     * from a single forward pass, whatever the mode.
     */
    public static Jacobian jacobian(Function<Tensor, Tensor> f, Tensor x, Mode mode, long memoryBudgetBytes) {
        requireFunction("jacobian", f);
        requireInputs("jacobian", x);
        if (mode == null) {
            throw new IllegalArgumentException("jacobian: mode is null (use Mode.AUTO, FORWARD or REVERSE)");
        }
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException("jacobian: the memory budget must be positive, got " + memoryBudgetBytes + " bytes");
        }
        return JacobianBuilder.build("jacobian", f, x, mode, memoryBudgetBytes);
    }

    // ---------------------------------------------------------------- helpers

    /** Results are differentiable w.r.t. x when x requires a gradient and grad mode is on. */
    static boolean differentiableResult(Tensor... xs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor x : xs) {
            if (x.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    static Tensor call(String op, MultiFunction f, Tensor... xs) {
        Tensor y = f.apply(xs);
        if (y == null) {
            throw new IllegalArgumentException(op + ": the function returned null");
        }
        return y;
    }

    static void requireFunction(String op, Object f) {
        if (f == null) {
            throw new IllegalArgumentException(op + ": the function is null");
        }
    }

    static void requireInputs(String op, Tensor... xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException(op + ": no input tensors given");
        }
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == null) {
                throw new IllegalArgumentException(op + ": input " + i + " is null");
            }
        }
    }

    static void checkTangent(String op, Tensor x, Tensor v) {
        if (v == null) {
            throw new IllegalArgumentException(op + ": the tangent is null (expected shape " + Shapes.str(x.shape()) + ")");
        }
        if (!Arrays.equals(v.shape(), x.shape())) {
            throw new IllegalArgumentException(op + ": tangent shape " + Shapes.str(v.shape())
                    + " does not match the input shape " + Shapes.str(x.shape()));
        }
    }
}
