package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.Rules;
import dev.jgrad.autograd.TensorAccess;
import dev.jgrad.kernels.KernelProvider;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;
import dev.jgrad.tensor.Storage;

import java.util.Arrays;
import java.util.function.BinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** The built-in {@link Layer}s and layers made from tensor functions. */
final class Layers {
    private Layers() {
    }

    static final Layer IDENTITY = builtIn("identity", x -> x, (x, y) -> Tensor.onesLike(x));
    static final Layer NEG = builtIn("neg", Tensor::neg, (x, y) -> Tensor.fullLike(x, -1.0));
    static final Layer ABS = builtIn("abs", Tensor::abs, (x, y) -> x.sign());
    // exp' = exp: the derivative is the value itself.
    static final Layer EXP = builtIn("exp", Tensor::exp, (x, y) -> y);
    static final Layer LOG = builtIn("log", Tensor::log, (x, y) -> x.reciprocal());
    static final Layer SIN = builtIn("sin", Tensor::sin, (x, y) -> x.cos());
    static final Layer COS = builtIn("cos", Tensor::cos,
            (x, y) -> elementwise("cos'", x, v -> -Math.sin(v), y::neg));
    static final Layer TANH = builtIn("tanh", Tensor::tanh,
            (x, y) -> elementwise("tanh'", y, v -> 1 - v * v, () -> y.mul(-2.0)));
    static final Layer SIGMOID = builtIn("sigmoid", Tensor::sigmoid,
            (x, y) -> elementwise("sigmoid'", y, v -> v * (1 - v), () -> y.mul(-2.0).add(1.0)));
    static final Layer RELU = builtIn("relu", Tensor::relu, (x, y) -> x.gt(0.0));
    static final Layer SOFTPLUS = builtIn("softplus", Tensor::softplus, (x, y) -> x.sigmoid());
    static final Layer SQUARE = builtIn("square", Tensor::square, (x, y) -> x.mul(2.0));
    static final Layer SQRT = builtIn("sqrt", Tensor::sqrt,
            (x, y) -> elementwise("sqrt'", y, v -> 0.5 / v, () -> y.square().reciprocal().mul(-0.5)));
    static final Layer SOFTSIGN = new Layer("softsign", x -> {
        Tensor denominator = x.abs().add(1.0);
        return new Layer.Output(x.div(denominator), denominator.square().reciprocal());
    });

    private static Layer builtIn(String name, UnaryOperator<Tensor> value, BinaryOperator<Tensor> derivative) {
        return new Layer(name, x -> {
            Tensor y = value.apply(x);
            return new Layer.Output(y, derivative.apply(x, y));
        });
    }

    /**
     * {@code f} applied to {@code in} in one pass, recorded as an element-wise op whose slope
     * ∂f/∂in (a differentiable tensor, built only when a rule runs) drives both modes. The built-in
     * derivatives use it to turn an expression of the value (1 − y²) into a single pass.
     */
    static Tensor elementwise(String op, Tensor in, DoubleUnaryOperator f, Supplier<Tensor> slope) {
        return Autograd.record(op, Rules.Kind.ELEMENTWISE, map(f, in), new Tensor[] {in},
                (out, t) -> slope.get().mul(t[0]),
                (out, g) -> new Tensor[] {g.mul(slope.get())});
    }

    /** {@code f} on every element of {@code x}: same shape and dtype, contiguous. */
    static NDArray map(DoubleUnaryOperator f, Tensor x) {
        NDArray v = TensorAccess.value(x);
        Storage out = Storage.allocateToOverwrite(v.dtype(), v.numel());
        KernelProvider.get().map(f, v.storage(), v.layout(), out);
        return new NDArray(out, Layout.contiguous(v.shapeRef()));
    }

    static Layer fromTensorOps(String name, UnaryOperator<Tensor> value, BinaryOperator<Tensor> derivative) {
        requireArgument(name, "name", name);
        requireArgument(name, "value function", value);
        requireArgument(name, "derivative function", derivative);
        return new Layer(name, x -> {
            Tensor y = conform(name, "value", x, value.apply(x));
            return new Layer.Output(y, conform(name, "derivative", x, derivative.apply(x, y)));
        });
    }

    /** A user function's result, checked to have x's shape and converted to x's dtype. */
    private static Tensor conform(String name, String what, Tensor x, Tensor result) {
        if (result == null) {
            throw new IllegalStateException("layer " + name + ": the " + what + " function returned null for an input of shape "
                    + Shapes.str(x.shape()));
        }
        if (!Arrays.equals(result.shape(), x.shape())) {
            throw new IllegalStateException("layer " + name + ": the " + what + " function returned shape "
                    + Shapes.str(result.shape()) + " for an input of shape " + Shapes.str(x.shape())
                    + " (a layer is element-wise: both must match)");
        }
        return result.dtype() == x.dtype() ? result : result.to(x.dtype());
    }

    static void requireArgument(String name, String what, Object arg) {
        if (arg == null) {
            throw new IllegalArgumentException("Layer.of: the " + what + " is null" + (name == null ? "" : " (layer " + name + ")"));
        }
    }
}
