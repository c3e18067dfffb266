package dev.jgrad.kernels;

import java.util.function.DoubleBinaryOperator;

/**
 * An element-wise binary function that kernels can recognise (a vectorised implementation switches
 * on it); {@link #applyAsDouble} is the scalar reference. Ops pass these to {@link Kernels#zip};
 * any other {@link DoubleBinaryOperator} is still accepted and computed element by element.
 */
public enum BinaryFn implements DoubleBinaryOperator {
    /** a + b. */
    ADD {
        public double applyAsDouble(double a, double b) { return a + b; }
    },
    /** a − b. */
    SUB {
        public double applyAsDouble(double a, double b) { return a - b; }
    },
    /** a·b. */
    MUL {
        public double applyAsDouble(double a, double b) { return a * b; }
    },
    /** a / b. */
    DIV {
        public double applyAsDouble(double a, double b) { return a / b; }
    },
    /** aᵇ (Math.pow). */
    POW {
        public double applyAsDouble(double a, double b) { return Math.pow(a, b); }
    },
    /** max(a, b), NaN if either is NaN. */
    MAX {
        public double applyAsDouble(double a, double b) { return Math.max(a, b); }
    },
    /** min(a, b), NaN if either is NaN. */
    MIN {
        public double applyAsDouble(double a, double b) { return Math.min(a, b); }
    },
    /** 1 if a &gt; b else 0. */
    GT {
        public double applyAsDouble(double a, double b) { return a > b ? 1.0 : 0.0; }
    },
    /** 1 if a ≥ b else 0. */
    GE {
        public double applyAsDouble(double a, double b) { return a >= b ? 1.0 : 0.0; }
    },
    /** 1 if a &lt; b else 0. */
    LT {
        public double applyAsDouble(double a, double b) { return a < b ? 1.0 : 0.0; }
    },
    /** 1 if a ≤ b else 0. */
    LE {
        public double applyAsDouble(double a, double b) { return a <= b ? 1.0 : 0.0; }
    },
    /** 1 if a = b else 0. */
    EQ {
        public double applyAsDouble(double a, double b) { return a == b ? 1.0 : 0.0; }
    },
    // Fused reverse rules of element-wise ops, (operand, cotangent) ↦ cotangent · derivative: one
    // pass instead of a chain of temporaries. Each computes exactly what the unfused tensor rule
    // computes, rounding for rounding; the _F32 forms round every intermediate to float as float32
    // tensors do between ops.
    /** (y, g) ↦ g·(1 − y²), tanh's reverse rule from its output y. */
    TANH_BACKWARD {
        public double applyAsDouble(double y, double g) { return g * (1.0 - y * y); }
    },
    /** {@link #TANH_BACKWARD} with float32 rounding of y² and 1 − y². */
    TANH_BACKWARD_F32 {
        public double applyAsDouble(double y, double g) {
            float square = (float) (y * y);
            return g * (float) (1.0 - square);
        }
    },
    /** (y, g) ↦ g·(y(1 − y)), the sigmoid's reverse rule from its output y. */
    SIGMOID_BACKWARD {
        public double applyAsDouble(double y, double g) { return g * (y * (1.0 - y)); }
    },
    /** {@link #SIGMOID_BACKWARD} with float32 rounding of 1 − y and y(1 − y). */
    SIGMOID_BACKWARD_F32 {
        public double applyAsDouble(double y, double g) {
            float oneMinus = (float) (1.0 - y);
            return g * (float) (y * oneMinus);
        }
    },
    /** (x, g) ↦ g·[x &gt; 0] (relu'(0) = 0; a NaN x or g gives g·0, as the unfused mask product). */
    RELU_BACKWARD {
        public double applyAsDouble(double x, double g) { return g * (x > 0 ? 1.0 : 0.0); }
    },
    // σ-based reverse rules from the input x: the σ is recomputed in the pass (its vector form is
    // the one the σ kernel uses, so fused and unfused agree bit for bit where they take the same lanes).
    /** (x, g) ↦ g·σ(x), softplus's reverse rule. */
    SOFTPLUS_BACKWARD {
        public double applyAsDouble(double x, double g) { return g * UnaryFn.sigmoid(x); }
    },
    /** {@link #SOFTPLUS_BACKWARD} with σ rounded to float. */
    SOFTPLUS_BACKWARD_F32 {
        public double applyAsDouble(double x, double g) { return g * (float) UnaryFn.sigmoid(x); }
    },
    /** (x, g) ↦ g·(s·(x·(1 − s) + 1)), s = σ(x): SiLU's reverse rule. */
    SILU_BACKWARD {
        public double applyAsDouble(double x, double g) {
            double s = UnaryFn.sigmoid(x);
            return g * (s * (x * (1.0 - s) + 1.0));
        }
    },
    /** {@link #SILU_BACKWARD} with σ and every intermediate rounded to float. */
    SILU_BACKWARD_F32 {
        public double applyAsDouble(double x, double g) {
            float s = (float) UnaryFn.sigmoid(x);
            float oneMinus = (float) (1.0 - s);
            float t = (float) ((float) (x * oneMinus) + 1.0);
            return g * (float) (s * t);
        }
    },
    /**
     * (x, g) ↦ g·(s + x·s·(1 − s)·(a + 3b·x²)), s = σ(x·(b·x² + a)): the GELU's reverse rule (a, b
     * as in {@link UnaryFn#GELU_A}).
     */
    GELU_BACKWARD {
        public double applyAsDouble(double x, double g) {
            double square = x * x;
            double s = UnaryFn.sigmoid((square * UnaryFn.GELU_B + UnaryFn.GELU_A) * x);
            double slope = square * GELU_3B + UnaryFn.GELU_A;
            return g * (s + x * s * (1.0 - s) * slope);
        }
    },
    /** {@link #GELU_BACKWARD} with the constants, σ and every intermediate rounded to float. */
    GELU_BACKWARD_F32 {
        public double applyAsDouble(double x, double g) {
            float square = (float) (x * x);
            float u = (float) ((float) ((float) (square * (float) UnaryFn.GELU_B) + (float) UnaryFn.GELU_A) * x);
            float s = (float) UnaryFn.sigmoid(u);
            float slope = (float) ((float) (square * (float) GELU_3B) + (float) UnaryFn.GELU_A);
            float t = (float) ((float) ((float) (x * s) * (float) (1.0 - s)) * slope);
            return g * (float) (s + t);
        }
    };

    /** 3b, the slope's x² coefficient in {@link #GELU_BACKWARD}. */
    public static final double GELU_3B = 3 * UnaryFn.GELU_B;
}
