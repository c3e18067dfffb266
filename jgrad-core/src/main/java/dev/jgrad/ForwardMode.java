package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;
import dev.jgrad.tensor.Shapes;

import java.util.Arrays;

/**
 * A forward-mode differentiation scope (PyTorch's {@code torch.autograd.forward_ad} dual level).
 * Inside it, a dual tensor carries a tangent beside its primal value, and every op pushes the
 * tangent forward by its forward rule (JVP): for y = f(x) with tangent u on x, y's tangent is the
 * Jacobian-vector product J·u, computed alongside the value at about the cost of f itself.
 *
 * <pre>{@code
 * try (ForwardMode fwd = ForwardMode.begin()) {
 *     Tensor x = fwd.dual(Tensor.of(1.0, 2.0), Tensor.of(1.0, 0.0));   // primal, tangent
 *     Tensor y = x.square().sum();
 *     fwd.tangentOf(y);                                                  // ⟨∇y, u⟩ = 2·1 = 2
 * }
 * }</pre>
 *
 * <p>Scopes nest without perturbation confusion: each scope's tangents are kept apart, so an inner
 * derivative is a value like any other for the outer scope (forward-over-forward). Forward mode
 * combines with reverse mode: a dual tensor may depend on tensors that require a gradient, the
 * tangents are themselves differentiable tensors (reverse-over-forward), and the gradients
 * computed by {@link Tensor#backward()} carry tangents (forward-over-reverse: the tangent of a
 * gradient is a Hessian-vector product). Ops run after {@link #close()} no longer carry this
 * scope's tangents. A scope may be used from the thread that opened it or others; it is closed
 * once, by try-with-resources.
 */
public final class ForwardMode implements AutoCloseable {
    private final ForwardTag tag = new ForwardTag();
    private volatile boolean closed;

    private ForwardMode() {
    }

    /** Opens a new forward-mode scope (nested inside any scope already open). */
    public static ForwardMode begin() {
        return new ForwardMode();
    }

    /**
     * A dual tensor: the values of {@code primal} (shared, not copied) with {@code tangent}
     * attached for this scope. The result is a new tensor recorded as an identity op, so reverse
     * mode flows through it to {@code primal}, and tangents {@code primal} carries for enclosing
     * scopes flow on; {@code primal} itself is not changed. The tangent is converted to the
     * primal's dtype.
     *
     * @throws IllegalArgumentException when an argument is null or the shapes differ
     * @throws IllegalStateException    when this scope is closed
     */
    public Tensor dual(Tensor primal, Tensor tangent) {
        requireOpen("dual");
        if (primal == null || tangent == null) {
            throw new IllegalArgumentException("ForwardMode.dual: the " + (primal == null ? "primal" : "tangent") + " is null");
        }
        if (!Arrays.equals(primal.shape(), tangent.shape())) {
            throw new IllegalArgumentException("ForwardMode.dual: tangent shape " + Shapes.str(tangent.shape())
                    + " does not match primal shape " + Shapes.str(primal.shape()));
        }
        return Autograd.dual(primal, false, tag, tangent);
    }

    /**
     * The tangent of {@code y} in this scope: J·u for the tangents u seeded by {@link #dual}, of
     * y's shape; zeros when y does not depend on any dual tensor of this scope.
     *
     * @throws IllegalArgumentException when y is null
     * @throws IllegalStateException    when this scope is closed
     */
    public Tensor tangentOf(Tensor y) {
        requireOpen("tangentOf");
        if (y == null) {
            throw new IllegalArgumentException("ForwardMode.tangentOf: the tensor is null");
        }
        return Autograd.tangentOf(y, tag);
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return !closed;
    }

    /** Ends this scope: later ops no longer push its tangents. Closing twice does nothing. */
    @Override
    public void close() {
        closed = true;
        tag.close();
    }

    private void requireOpen(String method) {
        if (closed) {
            throw new IllegalStateException("ForwardMode." + method + ": this forward-mode scope is closed; "
                    + "create dual tensors and read tangents inside try (ForwardMode fwd = ForwardMode.begin()) { ... }");
        }
    }

    @Override
    public String toString() {
        return "ForwardMode(" + (closed ? "closed" : "open") + ", " + tag + ")";
    }
}
