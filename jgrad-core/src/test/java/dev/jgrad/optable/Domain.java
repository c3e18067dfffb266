package dev.jgrad.optable;

import java.util.random.RandomGenerator;

/**
 * Where an op row draws one argument's values from. Each domain keeps the samples far enough
 * (relative to the finite-difference step) from poles, kinks and ties that central differences
 * measure the true derivative.
 */
public enum Domain {
    /** Roughly N(0, 1), clipped to [−2.5, 2.5] so exp/cosh-like ops stay well scaled. */
    REAL,
    /** (0.2, 2.2): logs, roots, powers with real exponents. */
    POSITIVE,
    /** |x| in (0.5, 2): divisors and reciprocals, kept away from the pole. */
    NONZERO,
    /** (−0.9, 0.9): tan and other ops that blow up near ±π/2 or ±1. */
    UNIT_OPEN,
    /** (−0.8, 2): log1p's domain, away from −1. */
    GT_MINUS_ONE,
    /** |x| in (0.1, 2): relu, abs, sign, leakyRelu away from their kink at 0. */
    AWAY_FROM_KINK,
    /** (0.05, 0.95): targets of binary cross-entropy. */
    PROBABILITY,
    /** Exactly 0 or 1: masks (where's condition). */
    MASK,
    /**
     * All elements of the tensor pairwise at least 0.3 apart (a shuffled grid plus small noise):
     * max/min reductions without ties.
     */
    DISTINCT,
    /**
     * k + U(0, 0.2) for an integer k in [−2, 2]: never within 0.3 of a {@link #GRID_B} value, nor
     * within 0.2 of clamp bounds placed at k + 0.4 … k + 0.8.
     */
    GRID_A,
    /** k + 0.5 + U(0, 0.2) for an integer k in [−2, 2]: maximum/minimum without ties against {@link #GRID_A}. */
    GRID_B;

    /** {@code n} samples for one tensor argument. */
    public double[] sample(RandomGenerator rng, int n) {
        double[] out = new double[n];
        if (this == DISTINCT) {
            for (int i = 0; i < n; i++) {
                out[i] = (i - n / 2.0) * 0.3 + rng.nextDouble(0.0, 0.05);
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                double t = out[i];
                out[i] = out[j];
                out[j] = t;
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = one(rng);
        }
        return out;
    }

    private double one(RandomGenerator rng) {
        return switch (this) {
            case REAL -> Math.max(-2.5, Math.min(2.5, rng.nextGaussian()));
            case POSITIVE -> rng.nextDouble(0.2, 2.2);
            case NONZERO -> signed(rng, rng.nextDouble(0.5, 2.0));
            case UNIT_OPEN -> rng.nextDouble(-0.9, 0.9);
            case GT_MINUS_ONE -> rng.nextDouble(-0.8, 2.0);
            case AWAY_FROM_KINK -> signed(rng, rng.nextDouble(0.1, 2.0));
            case PROBABILITY -> rng.nextDouble(0.05, 0.95);
            case MASK -> rng.nextBoolean() ? 1.0 : 0.0;
            case GRID_A -> rng.nextInt(-2, 3) + rng.nextDouble(0.0, 0.2);
            case GRID_B -> rng.nextInt(-2, 3) + 0.5 + rng.nextDouble(0.0, 0.2);
            case DISTINCT -> throw new IllegalStateException("DISTINCT is sampled per tensor");
        };
    }

    private static double signed(RandomGenerator rng, double magnitude) {
        return rng.nextBoolean() ? magnitude : -magnitude;
    }
}
