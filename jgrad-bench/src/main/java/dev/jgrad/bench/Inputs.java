package dev.jgrad.bench;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import java.util.SplittableRandom;

/** Deterministic input data, generated once in Java and handed to both jgrad and DJL. */
final class Inputs {
    private Inputs() {
    }

    /** {@code n} standard-normal samples times {@code scale}, reproducible from {@code seed}. */
    static double[] normal(long seed, int n, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextGaussian() * scale;
        }
        return out;
    }

    /** {@code n} samples uniform in [lo, hi), reproducible from {@code seed}. */
    static double[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextDouble(lo, hi);
        }
        return out;
    }

    /** {@code n} class labels in [0, classes). */
    static int[] labels(long seed, int n, int classes) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextInt(classes);
        }
        return out;
    }

    /** {@code data} as a jgrad tensor of the given dtype and shape. */
    static Tensor tensor(double[] data, DType dtype, int... shape) {
        return dtype == DType.FLOAT32 ? Tensor.of(toFloat(data), shape) : Tensor.of(data, shape);
    }

    static float[] toFloat(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    /**
     * Fails the benchmark loudly when jgrad and the peer disagree: a benchmark that computes
     * something else measures nothing.
     */
    static void checkClose(String what, double jgrad, double peer, double rtol) {
        double scale = Math.max(1.0, Math.max(Math.abs(jgrad), Math.abs(peer)));
        if (!Double.isFinite(jgrad) || !Double.isFinite(peer) || Math.abs(jgrad - peer) > rtol * scale) {
            throw new IllegalStateException(what + ": jgrad computed " + jgrad + " but the peer " + peer
                    + " (relative tolerance " + rtol + ")");
        }
    }
}
