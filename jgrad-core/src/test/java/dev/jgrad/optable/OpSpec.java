package dev.jgrad.optable;

import dev.jgrad.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One row of the op table: a public differentiable op with its parameters baked into
 * {@link #fn}, where its arguments live ({@link #domains}), which argument shapes to try, a plain
 * reference for its value, and the knobs the generic checks need. Built fluently, then only read.
 */
public final class OpSpec {
    /** The Tensor method this row exercises (the coverage test matches on it). */
    public final String name;
    /** Parameters of this variant, e.g. "axis 1, keepDims"; empty for the plain form. */
    public final String variant;
    public final Function<Tensor[], Tensor> fn;
    Domain[] domains = {Domain.REAL};
    final List<int[][]> shapes = new ArrayList<>();
    Function<Arr[], Arr> reference;
    int[] nonDifferentiable = {};
    boolean secondOrder = true;
    double valueRtol = 1e-12;
    double valueAtol = 1e-12;
    double fdStep = 1e-6;
    double fdRtol = 1e-5;
    double fdAtol = 1e-7;
    double f32Tol = 1e-4;
    double adjointRtol = 1e-11;
    boolean changesDtype;

    private OpSpec(String name, String variant, Function<Tensor[], Tensor> fn) {
        this.name = name;
        this.variant = variant;
        this.fn = fn;
    }

    public static OpSpec op(String name, String variant, Function<Tensor[], Tensor> fn) {
        return new OpSpec(name, variant, fn);
    }

    /** The domain of each argument, in order. */
    public OpSpec args(Domain... domains) {
        this.domains = domains;
        return this;
    }

    /** Shape lists for a one-argument op: each entry is one case. */
    public OpSpec shapes(int[]... oneArgShapes) {
        for (int[] s : oneArgShapes) {
            shapes.add(new int[][] {s});
        }
        return this;
    }

    /** Shape tuples for a several-argument op: each entry holds one shape per argument. */
    public OpSpec cases(int[][]... perArgShapes) {
        shapes.addAll(Arrays.asList(perArgShapes));
        return this;
    }

    public OpSpec ref(Function<Arr[], Arr> reference) {
        this.reference = reference;
        return this;
    }

    /** Arguments that receive no gradient (masks); they are not perturbed nor seeded. */
    public OpSpec notDifferentiable(int... args) {
        this.nonDifferentiable = args;
        return this;
    }

    /** The op is not twice differentiable on its domain: skip the second-order checks. */
    public OpSpec firstOrderOnly() {
        this.secondOrder = false;
        return this;
    }

    public OpSpec valueTol(double rtol, double atol) {
        this.valueRtol = rtol;
        this.valueAtol = atol;
        return this;
    }

    /** Finite-difference step (relative to max(1, |x|)) and the tolerance against it. */
    public OpSpec fd(double step, double rtol, double atol) {
        this.fdStep = step;
        this.fdRtol = rtol;
        this.fdAtol = atol;
        return this;
    }

    /** Relative tolerance of the adjoint identity (exact up to rounding unless the op rounds to float32). */
    public OpSpec adjointTol(double rtol) {
        this.adjointRtol = rtol;
        return this;
    }

    public OpSpec f32Tol(double tol) {
        this.f32Tol = tol;
        return this;
    }

    /** The output's dtype is not the input's (to): skip that part of the dtype check. */
    public OpSpec changesDtype() {
        this.changesDtype = true;
        return this;
    }

    public int arity() {
        return domains.length;
    }

    public boolean isDifferentiable(int arg) {
        for (int a : nonDifferentiable) {
            if (a == arg) {
                return false;
            }
        }
        return true;
    }

    /** Display label, e.g. "sum(axis 1, keepDims)". */
    public String label() {
        return variant.isEmpty() ? name : name + "(" + variant + ")";
    }

    @Override
    public String toString() {
        return label();
    }
}
