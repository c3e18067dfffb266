package dev.jgrad;

/**
 * A differentiable function whose derivatives the user writes: the value, the forward rule (JVP)
 * and the reverse rule (VJP), like PyTorch's {@code torch.autograd.Function} with
 * {@code forward}, {@code jvp} and {@code backward}. Use it for a fused or numerically delicate
 * computation, or one jgrad has no op for. {@link #apply(Tensor...)} computes the value and records
 * it with the user's rules, so the function takes part in reverse mode, forward mode
 * ({@link ForwardMode}) and {@link GradCheck} like any built-in op.
 *
 * <pre>{@code
 * CustomFunction log1pexp = new CustomFunction() {   // log(1 + eˣ) without overflow
 *     public Tensor value(Tensor... in) { return in[0].softplus(); }
 *     public Tensor jvp(Tensor[] in, Tensor out, Tensor[] tangents) { return in[0].sigmoid().mul(tangents[0]); }
 *     public Tensor[] vjp(Tensor[] in, Tensor out, Tensor cotangent) { return new Tensor[] {in[0].sigmoid().mul(cotangent)}; }
 * };
 * Tensor y = log1pexp.apply(x);
 * }</pre>
 *
 * <p>The rules receive the original inputs and the recorded output; written with differentiable
 * Tensor ops they are themselves differentiated for second order (grad of grad,
 * forward-over-reverse), exactly as the library's own ops. Rules written otherwise (e.g. through
 * {@code toDoubleArray}) are correct to first order only. What the rules return is checked: a JVP
 * of the output's shape, and one VJP per input, each of that input's shape or null (meaning zero,
 * e.g. for an input that is not differentiated), else {@link IllegalStateException} naming the
 * function and the shapes.
 */
public interface CustomFunction {

    /**
     * The value f(inputs). Called by {@link #apply} under {@link Tensor#noGrad()} on detached
     * inputs, so nothing inside is recorded or carries tangents: the rules alone define the
     * derivatives.
     */
    Tensor value(Tensor... inputs);

    /**
     * Forward rule: the output tangent Σᵢ (∂f/∂inputᵢ)·tangentᵢ, of the output's shape. Every
     * tangent is non-null (zeros for inputs without one) and has its input's shape.
     */
    Tensor jvp(Tensor[] inputs, Tensor output, Tensor[] tangents);

    /**
     * Reverse rule: for each input, the vector-Jacobian product (∂f/∂inputᵢ)ᵀ·cotangent, of that
     * input's shape (or null for zero). {@code cotangent} has the output's shape.
     */
    Tensor[] vjp(Tensor[] inputs, Tensor output, Tensor cotangent);

    /** The name used in error messages and as the recorded op's name; the class name by default. */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() || simple.contains("$$") ? "CustomFunction" : simple;
    }

    /**
     * f(inputs), recorded with this function's rules: the result requires a gradient when an input
     * does (and grad mode is on) and carries a tangent for every forward-mode scope an input has
     * one for.
     *
     * @throws IllegalArgumentException when inputs are missing or null
     * @throws IllegalStateException    when {@link #value} returns null
     */
    default Tensor apply(Tensor... inputs) {
        return CustomFunctions.apply(this, inputs);
    }
}
