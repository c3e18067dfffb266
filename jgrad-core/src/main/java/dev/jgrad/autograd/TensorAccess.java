package dev.jgrad.autograd;

import dev.jgrad.Tensor;
import dev.jgrad.tensor.NDArray;

/**
 * The library's own door into {@link Tensor}: its array value, its autodiff state, and wrapping a
 * new value. Tensor installs the hooks when its class initialises, so none of this is part of the
 * public API (this package is not exported).
 */
public final class TensorAccess {
    /** What Tensor hands over. */
    public interface Hooks {
        Tensor wrap(NDArray value);

        NDArray value(Tensor t);

        AutogradMeta meta(Tensor t);
    }

    private static volatile Hooks hooks;

    private TensorAccess() {
    }

    /** Called once, from Tensor's static initialiser. */
    public static void install(Hooks h) {
        if (hooks != null) {
            throw new IllegalStateException("TensorAccess hooks are already installed");
        }
        hooks = h;
    }

    /** A new tensor (a leaf that does not require a gradient) holding {@code value}. */
    public static Tensor wrap(NDArray value) {
        return hooks().wrap(value);
    }

    /** The array value of {@code t}. */
    public static NDArray value(Tensor t) {
        return hooks().value(t);
    }

    /** The autodiff state of {@code t}. */
    public static AutogradMeta meta(Tensor t) {
        return hooks().meta(t);
    }

    private static Hooks hooks() {
        Hooks h = hooks;
        if (h == null) {
            try {
                // Initialising Tensor installs the hooks.
                Class.forName(Tensor.class.getName(), true, Tensor.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            h = hooks;
        }
        return h;
    }
}
