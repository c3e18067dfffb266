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
    }
}
