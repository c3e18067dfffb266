package dev.jgrad;

import dev.jgrad.autograd.GradMode;

/**
 * A scope that switches gradient recording on or off for the current thread and restores the
 * previous setting when closed. Obtain one from {@link Tensor#noGrad()} or {@link Tensor#enableGrad()}
 * and use it in try-with-resources:
 * <pre>{@code
 * try (var scope = Tensor.noGrad()) {
 *     w = w.sub(w.grad().mul(0.1));   // not recorded
 * }
 * }</pre>
 */
public final class GradScope implements AutoCloseable {
    private final boolean previous;
    private boolean closed;

    GradScope(boolean enabled) {
        this.previous = GradMode.set(enabled);
    }

    /** Restores the grad mode that was in force when this scope opened. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            GradMode.set(previous);
        }
    }
}
