package dev.jgrad.kernels;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * An element-wise unary function that kernels can recognise by its {@link Kind}: a vectorised
 * implementation switches on the kind to use its vector form, and {@link #applyAsDouble} is the
 * scalar reference every implementation agrees with. Ops pass these to {@link Kernels#map}; any
 * other {@link DoubleUnaryOperator} is still accepted and computed element by element.
 */
public final class UnaryFn implements DoubleUnaryOperator {
    /** √(2/π), GELU's tanh-approximation scale. */
    public static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    /** The cubic coefficient of GELU's tanh approximation. */
    public static final double GELU_C = 0.044715;
    /**
     * GELU as x·σ(u) with u = x·(GELU_A + GELU_B·x²) = 2√(2/π)(x + 0.044715x³): the same function as
     * ½x(1 + tanh(u/2)), since 1 + tanh(t) = 2σ(2t), without that form's cancellation for negative x.
     */
    public static final double GELU_A = 2 * SQRT_2_OVER_PI;
    /** See {@link #GELU_A}. */
    public static final double GELU_B = 2 * SQRT_2_OVER_PI * GELU_C;

    /** The functions; the javadoc of each gives its definition (a and b are the parameters). */
    public enum Kind {
        /** −x. */ NEG,
        /** |x|. */ ABS,
        /** sign(x) ∈ {−1, 0, 1} (NaN stays NaN). */ SIGN,
        /** eˣ. */ EXP,
        /** eˣ − 1. */ EXPM1,
        /** ln x. */ LOG,
        /** ln(1 + x). */ LOG1P,
        /** √x. */ SQRT,
        /** x². */ SQUARE,
        /** 1/x. */ RECIPROCAL,
        /** sin x. */ SIN,
        /** cos x. */ COS,
        /** tan x. */ TAN,
        /** tanh x. */ TANH,
        /** 1/(1 + e⁻ˣ), without overflow. */ SIGMOID,
        /** max(x, 0) (NaN stays NaN). */ RELU,
        /** ln(1 + eˣ), without overflow. */ SOFTPLUS,
        /** x·σ(x). */ SILU,
        /**
         * ½x(1 + tanh(√(2/π)(x + 0.044715x³))), computed as x·σ(u), u = x·(a + b·x²) (see
         * {@link UnaryFn#GELU_A}).
         */
        GELU,
        /** x for x &gt; 0, a·x otherwise. */ LEAKY_RELU,
        /** x + a. */ ADD_SCALAR,
        /** x·a. */ MUL_SCALAR,
        /** xᵃ. */ POW_SCALAR,
        /** min(max(x, a), b). */ CLAMP
    }

    private static final Map<Kind, UnaryFn> PLAIN = new EnumMap<>(Kind.class);

    static {
        for (Kind k : Kind.values()) {
            PLAIN.put(k, new UnaryFn(k, 0, 0));
        }
    }

    private final Kind kind;
    private final double a;
    private final double b;
    private final DoubleUnaryOperator scalar;

    private UnaryFn(Kind kind, double a, double b) {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.scalar = definition(kind, a, b);
    }

    /** A function without parameters (cached). */
    public static UnaryFn of(Kind kind) {
        return PLAIN.get(kind);
    }

    /** A function with one parameter a (LEAKY_RELU slope, ADD_SCALAR, MUL_SCALAR, POW_SCALAR). */
    public static UnaryFn of(Kind kind, double a) {
        return new UnaryFn(kind, a, 0);
    }

    /** A function with two parameters (CLAMP bounds). */
    public static UnaryFn of(Kind kind, double a, double b) {
        return new UnaryFn(kind, a, b);
    }

    public Kind kind() {
        return kind;
    }

    /** First parameter (0 when the kind has none). */
    public double a() {
        return a;
    }

    /** Second parameter (0 when the kind has none). */
    public double b() {
        return b;
    }

    @Override
    public double applyAsDouble(double x) {
        return scalar.applyAsDouble(x);
    }

    private static DoubleUnaryOperator definition(Kind kind, double a, double b) {
        return switch (kind) {
            case NEG -> x -> -x;
            case ABS -> Math::abs;
            case SIGN -> Math::signum;
            case EXP -> Math::exp;
            case EXPM1 -> Math::expm1;
            case LOG -> Math::log;
            case LOG1P -> Math::log1p;
            case SQRT -> Math::sqrt;
            case SQUARE -> x -> x * x;
            case RECIPROCAL -> x -> 1.0 / x;
            case SIN -> Math::sin;
            case COS -> Math::cos;
            case TAN -> Math::tan;
            case TANH -> Math::tanh;
            case SIGMOID -> UnaryFn::sigmoid;
            case RELU -> x -> x > 0 ? x : (x == x ? 0.0 : x);
            case SOFTPLUS -> x -> Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
            case SILU -> x -> x * sigmoid(x);
            case GELU -> x -> x * sigmoid((x * x * GELU_B + GELU_A) * x);
            case LEAKY_RELU -> x -> x > 0 ? x : a * x;
            case ADD_SCALAR -> x -> x + a;
            case MUL_SCALAR -> x -> x * a;
            case POW_SCALAR -> x -> Math.pow(x, a);
            case CLAMP -> x -> x < a ? a : (x > b ? b : x);
        };
    }

    /** σ(x) without overflow: e^x is only formed for x &lt; 0. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    @Override
    public String toString() {
        return kind + (a != 0 || b != 0 ? "(" + a + ", " + b + ")" : "");
    }
}
