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
    }
}
