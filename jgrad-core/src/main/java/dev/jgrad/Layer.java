package dev.jgrad;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * An element-wise function f that, applied to a tensor x, computes its value y = f(x) and its
 * derivative f'(x) together: forward mode in its simplest form.
 *
 * <p>The Jacobian of an element-wise function is diagonal (output i depends only on input i), so
 * the derivative is stored as that diagonal: a tensor of the input's shape, {@code f'(xᵢ)} at each
 * element. Both results have the input's shape and dtype (float64 or float32), for any shape,
 * including 0-d and empty tensors. Built-in layers reuse the value for the derivative where the
 * maths allows (exp' = y, tanh' = 1 − y², sigmoid' = y(1 − y), sqrt' = 1/(2y)), so no
 * transcendental function is evaluated twice.
 *
 * <p>Chaining layers composes them: for {@code f.then(g)} the value is g(f(x)) and the derivative
 * is {@code g'(f(x)) ⊙ f'(x)}, the chain rule on diagonal Jacobians. A chain is itself a layer.
 *
 * <pre>{@code
 * Layer layer = Layer.sin().then(Layer.tanh());       // x ↦ tanh(sin x)
 * Layer.Output out = layer.apply(Tensor.linspace(-1, 1, 5));
 * out.value();        // tanh(sin x)
 * out.derivative();   // (1 − tanh²(sin x)) · cos x, shape [5]
 * }</pre>
 *
 * <p>Domains and kinks follow the {@link Tensor} ops of the same name: outside the domain the
 * value is what {@link Math} gives (NaN, ±inf), no exception; relu'(0) = 0, |x|'(0) = 0,
 * sqrt'(0) = +inf. Built-in and {@link #of(String, UnaryOperator, BinaryOperator) tensor-op}
 * layers return differentiable tensors: value and derivative take part in reverse mode and carry
 * forward-mode tangents like any op result, to any order. For layers made from scalar functions
 * see {@link #of(String, DoubleUnaryOperator, DoubleUnaryOperator)}.
 */
public final class Layer {

    /**
     * What a layer returns: the value f(x) and the element-wise derivative f'(x), both of the
     * input's shape and dtype. The derivative is the diagonal of the (diagonal) Jacobian.
     */
    public record Output(Tensor value, Tensor derivative) {
    }

    private final String name;
    /** The stages of a chain in application order; a single-element list for a primitive layer. */
    private final List<Layer> stages;
    /** The primitive computation (null for a chain). */
    private final Function<Tensor, Output> body;

    Layer(String name, Function<Tensor, Output> body) {
        this.name = name;
        this.body = body;
        this.stages = List.of(this);
    }

    private Layer(List<Layer> stages) {
        this.stages = Collections.unmodifiableList(stages);
        this.body = null;
        StringBuilder sb = new StringBuilder("chain(");
        for (int i = 0; i < stages.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(stages.get(i).name);
        }
        this.name = sb.append(')').toString();
    }

    /**
     * f(x) and f'(x) element-wise, each of x's shape and dtype.
     *
     * @throws IllegalArgumentException when x is null
     */
    public Output apply(Tensor x) {
        if (x == null) {
            throw new IllegalArgumentException("layer " + name + ": the input tensor is null");
        }
        if (body != null) {
            return body.apply(x);
        }
        Tensor value = x;
        Tensor derivative = null;
        for (Layer stage : stages) {
            Output o = stage.body.apply(value);
            // Chain rule on diagonal Jacobians: multiply the diagonals element-wise.
            derivative = derivative == null ? o.derivative() : o.derivative().mul(derivative);
            value = o.value();
        }
        return new Output(value, derivative);
    }

    /** The layer's name ("tanh", a user's name, or "chain(sin, tanh)" for a chain). */
    public String name() {
        return name;
    }

    /** The layers this one applies in order: itself for a primitive layer, the stages for a chain. */
    public List<Layer> stages() {
        return stages;
    }

    /**
     * This layer followed by {@code next}: x ↦ next(this(x)), with derivative
     * {@code next'(this(x)) ⊙ this'(x)}.
     */
    public Layer then(Layer next) {
        if (next == null) {
            throw new IllegalArgumentException("layer " + name + ": then(null): the next layer is null");
        }
        return chain(this, next);
    }

    /**
     * The layers applied one after another (the first one first); the derivative is the
     * element-wise product of each layer's derivative at its own input. Chains are flattened.
     *
     * @throws IllegalArgumentException when no layer is given or one is null
     */
    public static Layer chain(Layer... layers) {
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException("Layer.chain: needs at least one layer");
        }
        List<Layer> all = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == null) {
                throw new IllegalArgumentException("Layer.chain: layer " + i + " is null");
            }
            all.addAll(layers[i].stages);
        }
        return all.size() == 1 ? all.get(0) : new Layer(all);
    }

    @Override
    public String toString() {
        return "Layer(" + name + ")";
    }

    // ------------------------------------------------------------------ user-defined layers

    /**
     * A layer from a scalar function and its derivative, applied element-wise (computed in double,
     * rounded on store for float32), e.g. {@code Layer.of("cube", v -> v * v * v, v -> 3 * v * v)}.
     *
     * <p>The value is differentiable once, by the given derivative, in both modes. No second
     * derivative is known, so: differentiating the value twice in reverse mode, or backpropagating
     * through the returned derivative, throws {@link IllegalStateException} naming the layer; a
     * forward-mode tangent that would need the second derivative (nested forward mode, or the
     * tangent of the derivative tensor) is NaN, because forward mode computes tangents eagerly and
     * must not fail first-order use. Give the second derivative with
     * {@link #of(String, DoubleUnaryOperator, DoubleUnaryOperator, DoubleUnaryOperator)} to go one
     * order further.
     *
     * @throws IllegalArgumentException when an argument is null
     */
    public static Layer of(String name, DoubleUnaryOperator value, DoubleUnaryOperator derivative) {
        return ScalarLayer.layer(name, value, derivative);
    }

    /**
     * A layer from a scalar function with its first and second derivatives: the value is
     * differentiable twice and the returned derivative once (beyond that, as described at
     * {@link #of(String, DoubleUnaryOperator, DoubleUnaryOperator)}).
     *
     * @throws IllegalArgumentException when an argument is null
     */
    public static Layer of(String name, DoubleUnaryOperator value, DoubleUnaryOperator derivative,
                           DoubleUnaryOperator secondDerivative) {
        return ScalarLayer.layer(name, value, derivative, secondDerivative);
    }

    /**
     * A layer from tensor functions: {@code value} maps x to f(x), and {@code derivative} maps
     * (x, y = f(x)) to f'(x), so it can reuse the value, e.g.
     * {@code Layer.of("tanh", x -> x.tanh(), (x, y) -> y.square().neg().add(1))}. Both must be
     * element-wise and built from differentiable Tensor ops; then the layer is differentiable to any
     * order. Results of another dtype are converted to x's.
     *
     * @throws IllegalArgumentException when an argument is null
     * @throws IllegalStateException    (on apply) when a function returns null or a tensor whose shape
     *                                  differs from the input's
     */
    public static Layer of(String name, UnaryOperator<Tensor> value, BinaryOperator<Tensor> derivative) {
        return Layers.fromTensorOps(name, value, derivative);
    }

    // ------------------------------------------------------------------ built-in layers

    /** x ↦ x, derivative 1. */
    public static Layer identity() { return Layers.IDENTITY; }
    /** x ↦ −x, derivative −1. */
    public static Layer neg() { return Layers.NEG; }
    /** x ↦ |x|, derivative sign(x) (0 at 0). */
    public static Layer abs() { return Layers.ABS; }
    /** x ↦ eˣ, derivative eˣ (the value itself, not recomputed). */
    public static Layer exp() { return Layers.EXP; }
    /** x ↦ log x (domain x &gt; 0), derivative 1/x. */
    public static Layer log() { return Layers.LOG; }
    /** x ↦ sin x, derivative cos x. */
    public static Layer sin() { return Layers.SIN; }
    /** x ↦ cos x, derivative −sin x. */
    public static Layer cos() { return Layers.COS; }
    /** x ↦ tanh x, derivative 1 − y² from the value y. */
    public static Layer tanh() { return Layers.TANH; }
    /** x ↦ σ(x) = 1/(1 + e⁻ˣ), derivative σ(1 − σ) from the value. */
    public static Layer sigmoid() { return Layers.SIGMOID; }
    /** x ↦ max(x, 0), derivative 1 for x &gt; 0 and 0 otherwise (relu'(0) = 0). */
    public static Layer relu() { return Layers.RELU; }
    /** x ↦ log(1 + eˣ) (no overflow), derivative σ(x). */
    public static Layer softplus() { return Layers.SOFTPLUS; }
    /** x ↦ x/(1 + |x|), derivative 1/(1 + |x|)². */
    public static Layer softsign() { return Layers.SOFTSIGN; }
    /** x ↦ x², derivative 2x. */
    public static Layer square() { return Layers.SQUARE; }
    /** x ↦ √x (domain x ≥ 0), derivative 1/(2√x) from the value, +inf at 0. */
    public static Layer sqrt() { return Layers.SQRT; }
}
