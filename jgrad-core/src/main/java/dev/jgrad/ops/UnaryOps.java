package dev.jgrad.ops;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.Rules;
import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.UnaryFn;
import dev.jgrad.kernels.UnaryFn.Kind;

import java.util.Arrays;
import java.util.function.BinaryOperator;

import static dev.jgrad.autograd.TensorAccess.value;

/**
 * Element-wise unary ops. Each names its value function and its derivative f'(x) once, as a
 * tensor expression of the input x and output y; the rules follow from the kind: JVP = f'(x)·ẋ,
 * VJP = f'(x)·ȳ (the Jacobian is diagonal).
 */
public final class UnaryOps {

    private UnaryOps() {
    }

    /**
     * Applies {@code f} element-wise, recording derivative {@code d(x, y)} for both modes.
     * {@code d} is written with differentiable tensor ops, so second derivatives come for free.
     */
    static Tensor elementwise(String op, Tensor x, UnaryFn f, BinaryOperator<Tensor> d) {
        Tensor[] inputs = {x};
        return Autograd.record(op, Rules.Kind.ELEMENTWISE, Values.map(f, value(x)), inputs,
                (y, t) -> Values.tangentProduct(d.apply(x, y), t[0]),
                (y, g) -> new Tensor[] {Values.ruleProduct(g, d.apply(x, y))});
    }

    /**
     * {@link #elementwise} whose reverse rule has a fused form {@code fused(operand, g) = g·f'}, with
     * {@code operand} the output y ({@code ofOutput}) or the input x. The fused kernel runs when the
     * rule's own computation cannot be differentiated (no createGraph, no tangents); otherwise the
     * tensor rule {@code d} keeps higher orders working. Both give the same bits.
     */
    static Tensor elementwise(String op, Tensor x, UnaryFn f, BinaryOperator<Tensor> d, boolean ofOutput,
                              BinaryFn fused64, BinaryFn fused32) {
        Tensor[] inputs = {x};
        return Autograd.record(op, Rules.Kind.ELEMENTWISE, Values.map(f, value(x)), inputs,
                (y, t) -> {
                    // The forward rule f'·ẋ has the reverse rule's form: the same fused kernel, same bits.
                    Tensor operand = ofOutput ? y : x;
                    Tensor tangent = t[0];
                    if (operand.dtype() == tangent.dtype() && Arrays.equals(operand.shape(), tangent.shape())
                            && Autograd.inertForTangent(operand, tangent)) {
                        BinaryFn fused = tangent.dtype() == DType.FLOAT32 ? fused32 : fused64;
                        return Autograd.constant(Values.zip(op, fused, value(operand), value(tangent)));
                    }
                    return d.apply(x, y).mul(tangent);
                },
                (y, g) -> {
                    Tensor operand = ofOutput ? y : x;
                    if (operand.dtype() == g.dtype() && Autograd.plainValues(operand, g)) {
                        BinaryFn fused = g.dtype() == DType.FLOAT32 ? fused32 : fused64;
                        return new Tensor[] {Autograd.constant(Values.zip(op, fused, value(operand), value(g)))};
                    }
                    return new Tensor[] {Values.ruleProduct(g, d.apply(x, y))};
                });
    }

    public static Tensor neg(Tensor x) {
        Tensor[] inputs = {x};
        return Autograd.record("neg", Rules.Kind.ELEMENTWISE, Values.map(UnaryFn.of(Kind.NEG), value(x)), inputs,
                (y, t) -> t[0].neg(), (y, g) -> new Tensor[] {g.neg()});
    }

    public static Tensor abs(Tensor x) {
        return elementwise("abs", x, UnaryFn.of(Kind.ABS), (in, y) -> in.sign());
    }

    public static Tensor sign(Tensor x) {
        Tensor[] inputs = {x};
        return Autograd.record("sign", Rules.Kind.ELEMENTWISE, Values.map(UnaryFn.of(Kind.SIGN), value(x)), inputs,
                (y, t) -> Tensor.zerosLike(y), (y, g) -> new Tensor[] {Tensor.zerosLike(x)});
    }

    public static Tensor exp(Tensor x) {
        return elementwise("exp", x, UnaryFn.of(Kind.EXP), (in, y) -> y);
    }

    public static Tensor expm1(Tensor x) {
        return elementwise("expm1", x, UnaryFn.of(Kind.EXPM1), (in, y) -> y.add(1.0));
    }

    public static Tensor log(Tensor x) {
        return elementwise("log", x, UnaryFn.of(Kind.LOG), (in, y) -> in.reciprocal());
    }

    public static Tensor log1p(Tensor x) {
        return elementwise("log1p", x, UnaryFn.of(Kind.LOG1P), (in, y) -> in.add(1.0).reciprocal());
    }

    public static Tensor sqrt(Tensor x) {
        return elementwise("sqrt", x, UnaryFn.of(Kind.SQRT), (in, y) -> y.reciprocal().mul(0.5));
    }

    public static Tensor square(Tensor x) {
        return elementwise("square", x, UnaryFn.of(Kind.SQUARE), (in, y) -> in.mul(2.0));
    }

    public static Tensor reciprocal(Tensor x) {
        return elementwise("reciprocal", x, UnaryFn.of(Kind.RECIPROCAL), (in, y) -> y.square().neg());
    }

    public static Tensor sin(Tensor x) {
        return elementwise("sin", x, UnaryFn.of(Kind.SIN), (in, y) -> in.cos());
    }

    public static Tensor cos(Tensor x) {
        return elementwise("cos", x, UnaryFn.of(Kind.COS), (in, y) -> in.sin().neg());
    }

    public static Tensor tan(Tensor x) {
        return elementwise("tan", x, UnaryFn.of(Kind.TAN), (in, y) -> y.square().add(1.0));
    }

    public static Tensor tanh(Tensor x) {
        return elementwise("tanh", x, UnaryFn.of(Kind.TANH), (in, y) -> y.square().neg().add(1.0),
                true, BinaryFn.TANH_BACKWARD, BinaryFn.TANH_BACKWARD_F32);
    }

    public static Tensor sigmoid(Tensor x) {
        return elementwise("sigmoid", x, UnaryFn.of(Kind.SIGMOID), (in, y) -> y.mul(y.neg().add(1.0)),
                true, BinaryFn.SIGMOID_BACKWARD, BinaryFn.SIGMOID_BACKWARD_F32);
    }

    public static Tensor relu(Tensor x) {
        return elementwise("relu", x, UnaryFn.of(Kind.RELU), (in, y) -> y.gt(0.0),
                true, BinaryFn.RELU_BACKWARD, BinaryFn.RELU_BACKWARD);
    }

    public static Tensor leakyRelu(Tensor x, double slope) {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("leakyRelu: slope must be finite, got " + slope + " (input shape "
                    + dev.jgrad.tensor.Shapes.str(x.shape()) + ")");
        }
        return elementwise("leakyRelu", x, UnaryFn.of(Kind.LEAKY_RELU, slope),
                (in, y) -> in.gt(0.0).mul(1.0 - slope).add(slope));
    }

    public static Tensor softplus(Tensor x) {
        return elementwise("softplus", x, UnaryFn.of(Kind.SOFTPLUS),
                (in, y) -> in.sigmoid(), false, BinaryFn.SOFTPLUS_BACKWARD, BinaryFn.SOFTPLUS_BACKWARD_F32);
    }

    public static Tensor silu(Tensor x) {
        return elementwise("silu", x, UnaryFn.of(Kind.SILU), (in, y) -> {
            Tensor s = in.sigmoid();
            return s.mul(in.mul(s.neg().add(1.0)).add(1.0));
        }, false, BinaryFn.SILU_BACKWARD, BinaryFn.SILU_BACKWARD_F32);
    }

    /**
     * GELU (tanh approximation) as x·σ(u), u = x·(a + b·x²) ({@link UnaryFn#GELU_A}); derivative
     * σ(u) + x·σ(u)(1 − σ(u))·u′ with u′ = a + 3b·x²: one σ and element-wise arithmetic (the
     * first-order rules run it as one fused pass, {@link BinaryFn#GELU_BACKWARD}).
     */
    public static Tensor gelu(Tensor x) {
        return elementwise("gelu", x, UnaryFn.of(Kind.GELU),
                (in, y) -> {
                    Tensor square = in.mul(in);
                    Tensor s = square.mul(UnaryFn.GELU_B).add(UnaryFn.GELU_A).mul(in).sigmoid();
                    Tensor slope = square.mul(BinaryFn.GELU_3B).add(UnaryFn.GELU_A);
                    return s.add(in.mul(s).mul(s.neg().add(1.0)).mul(slope));
                }, false, BinaryFn.GELU_BACKWARD, BinaryFn.GELU_BACKWARD_F32);
    }

    /** dtype conversion; the gradient is converted back. */
    public static Tensor cast(Tensor x, DType dtype) {
        if (x.dtype() == dtype) {
            return x;
        }
        Tensor[] inputs = {x};
        return Autograd.record("to", Rules.Kind.ELEMENTWISE, value(x).to(dtype), inputs,
                (y, t) -> t[0].to(dtype), (y, g) -> new Tensor[] {g.to(x.dtype())});
    }
}
