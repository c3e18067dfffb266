package dev.jgrad.optable;

import dev.jgrad.DType;
import dev.jgrad.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * One row applied to one tuple of input shapes with one seed: the sampled input values, and
 * helpers to evaluate the row on them in various forms.
 */
public final class OpCase {
    public final OpSpec row;
    public final int[][] shapes;
    public final long seed;
    /** Input values per argument (row-major), sampled from the row's domains. */
    public final double[][] values;

    OpCase(OpSpec row, int[][] shapes, long seed) {
        if (shapes.length != row.arity()) {
            throw new IllegalArgumentException(row + ": " + shapes.length + " shapes for " + row.arity() + " arguments");
        }
        this.row = row;
        this.shapes = shapes;
        this.seed = seed;
        SplittableRandom rng = new SplittableRandom(seed * 7919 + row.label().hashCode());
        this.values = new double[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            values[i] = row.domains[i].sample(rng, Arr.numel(shapes[i]));
        }
    }

    /** A reproducible generator for cotangents and tangents of this case (distinct per purpose). */
    public SplittableRandom rng(int purpose) {
        return new SplittableRandom(seed * 104729 + purpose * 31L + row.label().hashCode());
    }

    /** Fresh leaves holding {@code vals} in {@code dtype}; differentiable arguments require a gradient when asked. */
    public Tensor[] leaves(double[][] vals, DType dtype, boolean requiresGrad) {
        Tensor[] out = new Tensor[vals.length];
        for (int i = 0; i < vals.length; i++) {
            Tensor t = Tensor.of(vals[i], shapes[i]);
            if (dtype != DType.FLOAT64) {
                t = t.to(dtype);
            }
            out[i] = t.requiresGrad(requiresGrad && row.isDifferentiable(i));
        }
        return out;
    }

    public Tensor[] leaves(boolean requiresGrad) {
        return leaves(values, DType.FLOAT64, requiresGrad);
    }

    /** The row's output at {@code vals} (float64, nothing recorded). */
    public double[] eval(double[][] vals) {
        return row.fn.apply(leaves(vals, DType.FLOAT64, false)).toDoubleArray();
    }

    public Arr reference() {
        Arr[] in = new Arr[values.length];
        for (int i = 0; i < values.length; i++) {
            in[i] = new Arr(shapes[i], values[i]);
        }
        return row.reference.apply(in);
    }

    /** A random array per differentiable argument (null for the others). */
    public double[][] randomPerArg(SplittableRandom rng) {
        double[][] out = new double[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            if (row.isDifferentiable(i)) {
                out[i] = randomNormal(rng, values[i].length);
            }
        }
        return out;
    }

    public static double[] randomNormal(SplittableRandom rng, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextGaussian();
        }
        return out;
    }

    @Override
    public String toString() {
        String s = Arrays.stream(shapes).map(Arrays::toString).collect(Collectors.joining(" "));
        return row.label() + " " + s + " seed " + seed;
    }
}
