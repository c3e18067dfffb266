package dev.jgrad.ops;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.Rules;
import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.KernelProvider;
import dev.jgrad.kernels.UnaryFn;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;
import dev.jgrad.tensor.Storage;

import static dev.jgrad.autograd.TensorAccess.value;

/**
 * Element-wise binary ops with NumPy broadcasting. Partial derivatives are written once; the
 * reverse rule sums each cotangent back to its operand's shape ({@link ShapeOps#sumTo}), the
 * transpose of broadcasting.
 */
public final class BinaryOps {
    private BinaryOps() {
    }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor[] inputs = {a, b};
        return Autograd.record("add", Rules.Kind.ELEMENTWISE, Values.zip("add", BinaryFn.ADD, value(a), value(b)), inputs,
                (y, t) -> t[0].add(t[1]),
                (y, g) -> new Tensor[] {
                    a.requiresGrad() ? ShapeOps.sumTo(g, value(a).shapeRef()) : null,
                    b.requiresGrad() ? ShapeOps.sumTo(g, value(b).shapeRef()) : null});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor[] inputs = {a, b};
        return Autograd.record("sub", Rules.Kind.ELEMENTWISE, Values.zip("sub", BinaryFn.SUB, value(a), value(b)), inputs,
                (y, t) -> t[0].sub(t[1]),
                (y, g) -> new Tensor[] {
                    a.requiresGrad() ? ShapeOps.sumTo(g, value(a).shapeRef()) : null,
                    b.requiresGrad() ? ShapeOps.sumTo(g.neg(), value(b).shapeRef()) : null});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor[] inputs = {a, b};
        return Autograd.record("mul", Rules.Kind.ELEMENTWISE, Values.zip("mul", BinaryFn.MUL, value(a), value(b)), inputs,
                (y, t) -> t[0].mul(b).add(a.mul(t[1])),
                (y, g) -> new Tensor[] {
                    a.requiresGrad() ? ShapeOps.sumTo(Values.ruleProduct(g, b), value(a).shapeRef()) : null,
                    b.requiresGrad() ? ShapeOps.sumTo(Values.ruleProduct(g, a), value(b).shapeRef()) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor[] inputs = {a, b};
        return Autograd.record("div", Rules.Kind.ELEMENTWISE, Values.zip("div", BinaryFn.DIV, value(a), value(b)), inputs,
                (y, t) -> t[0].sub(t[1].mul(y)).div(b),
                (y, g) -> new Tensor[] {
                    a.requiresGrad() ? ShapeOps.sumTo(g.div(b), a.shape()) : null,
                    b.requiresGrad() ? ShapeOps.sumTo(g.mul(y).div(b).neg(), b.shape()) : null});
    }

    /** a^b; ∂/∂a = b·a^(b−1), ∂/∂b = a^b·log a, taken as 0 where a = 0 and b ≥ 0 (as PyTorch). */
    public static Tensor pow(Tensor a, Tensor b) {
        Tensor[] inputs = {a, b};
        return Autograd.record("pow", Rules.Kind.ELEMENTWISE, Values.zip("pow", BinaryFn.POW, value(a), value(b)), inputs,
                (y, t) -> t[0].mul(powBase(a, b)).add(t[1].mul(powExponent(a, b, y))),
                (y, g) -> new Tensor[] {
                    a.requiresGrad() ? ShapeOps.sumTo(g.mul(powBase(a, b)), a.shape()) : null,
                    b.requiresGrad() ? ShapeOps.sumTo(g.mul(powExponent(a, b, y)), b.shape()) : null});
    }

    private static Tensor powBase(Tensor a, Tensor b) {
        return b.mul(a.pow(b.sub(1.0)));
    }

    private static Tensor powExponent(Tensor a, Tensor b, Tensor y) {
        Tensor zeroBase = a.eq(0.0).mul(b.ge(0.0));
        return Tensor.where(zeroBase, Tensor.zerosLike(y), y.mul(a.log()));
    }

    public static Tensor maximum(Tensor a, Tensor b) {
        return extremum("maximum", a, b, true);
    }

    public static Tensor minimum(Tensor a, Tensor b) {
        return extremum("minimum", a, b, false);
    }

    /** Share of the gradient going to {@code a}: 1 where it wins, ½ on ties, 0 where it loses. */
    private static Tensor extremum(String op, Tensor a, Tensor b, boolean max) {
        Tensor[] inputs = {a, b};
        BinaryFn f = max ? BinaryFn.MAX : BinaryFn.MIN;
        return Autograd.record(op, Rules.Kind.ELEMENTWISE, Values.zip(op, f, value(a), value(b)), inputs,
                (y, t) -> {
                    Tensor wa = winnerShare(a, b, max);
                    return t[0].mul(wa).add(t[1].mul(wa.neg().add(1.0)));
                },
                (y, g) -> {
                    Tensor wa = winnerShare(a, b, max);
                    return new Tensor[] {ShapeOps.sumTo(g.mul(wa), a.shape()),
                        ShapeOps.sumTo(g.mul(wa.neg().add(1.0)), b.shape())};
                });
    }

    private static Tensor winnerShare(Tensor a, Tensor b, boolean max) {
        Tensor wins = max ? a.gt(b) : a.lt(b);
        return wins.add(a.eq(b).mul(0.5));
    }

    /**
     * x + c, with c first converted to x's dtype as PyTorch and JAX do with a Python scalar (a
     * float32 tensor adds the float nearest c): the sum is then the same IEEE float operation in
     * every kernel, fused or not.
     */
    public static Tensor addScalar(Tensor x, double constant) {
        double c = inDtype(x, constant);
        Tensor[] inputs = {x};
        return Autograd.record("addScalar", Rules.Kind.ELEMENTWISE, Values.map(UnaryFn.of(UnaryFn.Kind.ADD_SCALAR, c), value(x)), inputs,
                (y, t) -> t[0], (y, g) -> new Tensor[] {g});
    }

    /** x·c, with c first converted to x's dtype (see {@link #addScalar}). */
    public static Tensor mulScalar(Tensor x, double constant) {
        double c = inDtype(x, constant);
        Tensor[] inputs = {x};
        return Autograd.record("mulScalar", Rules.Kind.ELEMENTWISE, Values.map(UnaryFn.of(UnaryFn.Kind.MUL_SCALAR, c), value(x)), inputs,
                (y, t) -> t[0].mul(c), (y, g) -> new Tensor[] {g.mul(c)});
    }

    /** The constant as x's dtype holds it: rounded to the nearest float for a float32 tensor. */
    private static double inDtype(Tensor x, double c) {
        return value(x).dtype() == DType.FLOAT32 ? (double) (float) c : c;
    }

    /** x^c for a constant c; derivative c·x^(c−1) (0 when c = 0). */
    public static Tensor powScalar(Tensor x, double c) {
        return UnaryOps.elementwise("powScalar", x, UnaryFn.of(UnaryFn.Kind.POW_SCALAR, c),
                (in, y) -> c == 0.0 ? Tensor.zerosLike(in) : in.pow(c - 1.0).mul(c));
    }

    public static Tensor clamp(Tensor x, double min, double max) {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("clamp: bounds must satisfy min <= max and not be NaN, got min=" + min
                    + ", max=" + max + " (input shape " + Shapes.str(x.shape()) + ")");
        }
        return UnaryOps.elementwise("clamp", x, UnaryFn.of(UnaryFn.Kind.CLAMP, min, max),
                (in, y) -> in.ge(min).mul(in.le(max)));
    }

    /** Picks a where the condition is non-zero, b elsewhere; the condition gets no gradient. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", condition.shape(), a.shape()), b.shape());
        NDArray c = value(condition).broadcastTo(shape);
        NDArray av = value(a).broadcastTo(shape);
        NDArray bv = value(b).broadcastTo(shape);
        Storage out = Storage.allocateToOverwrite(DType.promote(a.dtype(), b.dtype()), Shapes.numel(shape));
        KernelProvider.get().select(c.storage(), c.layout(), av.storage(), av.layout(), bv.storage(), bv.layout(), out);
        Tensor[] inputs = {condition, a, b};
        Tensor cond = condition.detach();
        return Autograd.record("where", Rules.Kind.ELEMENTWISE, new NDArray(out, Layout.contiguous(shape)), inputs,
                (y, t) -> Tensor.where(cond, t[1], t[2]),
                (y, g) -> {
                    Tensor zero = Tensor.zerosLike(g);
                    return new Tensor[] {null,
                        ShapeOps.sumTo(Tensor.where(cond, g, zero), a.shape()),
                        ShapeOps.sumTo(Tensor.where(cond, zero, g), b.shape())};
                });
    }

    /** Comparison masks (1.0 / 0.0 in the promoted dtype); not differentiable. */
    public static Tensor compare(String op, Tensor a, Tensor b) {
        BinaryFn f = switch (op) {
            case "gt" -> BinaryFn.GT;
            case "ge" -> BinaryFn.GE;
            case "lt" -> BinaryFn.LT;
            case "le" -> BinaryFn.LE;
            case "eq" -> BinaryFn.EQ;
            default -> throw new IllegalArgumentException("unknown comparison " + op);
        };
        return Autograd.constant(Values.zip(op, f, value(a), value(b)));
    }
}
