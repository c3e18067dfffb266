package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.Rules;

import java.util.function.DoubleUnaryOperator;

/**
 * A {@link Layer} from a scalar function and its known derivatives f, f', (f''): order k is
 * recorded as an element-wise op whose rules use order k + 1. The last known order cannot be
 * differentiated: its reverse rule throws, its forward rule gives NaN (see
 * {@link Layer#of(String, DoubleUnaryOperator, DoubleUnaryOperator)} for why).
 */
final class ScalarLayer {
    private final String name;
    private final DoubleUnaryOperator[] derivatives;

    private ScalarLayer(String name, DoubleUnaryOperator[] derivatives) {
        this.name = name;
        this.derivatives = derivatives;
    }

    static Layer layer(String name, DoubleUnaryOperator... derivatives) {
        Layers.requireArgument(name, "name", name);
        for (int k = 0; k < derivatives.length; k++) {
            Layers.requireArgument(name, k == 0 ? "value function" : k == 1 ? "derivative" : "second derivative", derivatives[k]);
        }
        ScalarLayer s = new ScalarLayer(name, derivatives.clone());
        return new Layer(name, s::apply);
    }

    private Layer.Output apply(Tensor x) {
        Tensor derivative = order(1, x, null);
        // The value's rules reuse the derivative just computed rather than mapping f' again.
        return new Layer.Output(order(0, x, derivative), derivative);
    }

    /** The k-th derivative of f at x, recorded with the (k+1)-th as its slope ({@code next}, or built when a rule runs). */
    private Tensor order(int k, Tensor x, Tensor next) {
        String op = name + "'".repeat(k);
        var values = Layers.map(derivatives[k], x);
        Tensor[] inputs = {x};
        if (k + 1 == derivatives.length) {
            return Autograd.record(op, Rules.Kind.ELEMENTWISE, values, inputs,
                    (out, t) -> Tensor.fullLike(out, Double.NaN),
                    (out, g) -> {
                        throw new IllegalStateException("layer " + name + ": cannot differentiate " + op
                                + " (the " + ordinal(k + 1) + " derivative of " + name + " was not given"
                                + (k == 1 ? "; pass it to Layer.of(name, value, derivative, secondDerivative)" : "")
                                + "); input shape " + dev.jgrad.tensor.Shapes.str(x.shape()));
                    });
        }
        return Autograd.record(op, Rules.Kind.ELEMENTWISE, values, inputs,
                (out, t) -> slope(k, x, next).mul(t[0]),
                (out, g) -> new Tensor[] {g.mul(slope(k, x, next))});
    }

    private Tensor slope(int k, Tensor x, Tensor next) {
        return next != null ? next : order(k + 1, x, null);
    }

    private static String ordinal(int k) {
        return switch (k) {
            case 1 -> "first";
            case 2 -> "second";
            case 3 -> "third";
            default -> k + "th";
        };
    }
}
