package dev.jgrad.optable;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;

/** Runs a case's row through reverse mode, forward mode and their second-order combinations. */
final class Modes {
    private Modes() {
    }

    /** The result of one application: output, and per differentiable argument a gradient or tangent (null otherwise). */
    record Run(Tensor[] inputs, Tensor output, Tensor[] perArg) {
        double[] arg(int i) {
            return perArg[i].toDoubleArray();
        }
    }

    /** A seeded cotangent for an output of {@code n} elements. */
    static double[] cotangent(OpCase c, int n) {
        return OpCase.randomNormal(c.rng(1), n);
    }

    /** A seeded tangent (or Hessian direction) per differentiable argument. */
    static double[][] tangents(OpCase c) {
        return c.randomPerArg(c.rng(2));
    }

    /** Leaves → output → backward(seed cotangent); the gradients of the differentiable arguments. */
    static Run reverse(OpCase c, Tensor[] x) {
        Tensor y = c.row.fn.apply(x);
        double[] ybar = cotangent(c, y.numel());
        y.backward(Tensor.of(ybar, y.shape()).to(y.dtype()));
        return new Run(x, y, grads(c, x));
    }

    static Run reverse(OpCase c, double[][] vals) {
        return reverse(c, c.leaves(vals, DType.FLOAT64, true));
    }

    /** Seeds {@code v} on the leaves {@code x} under a fresh tag and returns the output's tangent. */
    static Run forward(OpCase c, Tensor[] x, double[][] v) {
        ForwardTag tag = new ForwardTag();
        try {
            seed(c, x, v, tag);
            Tensor y = c.row.fn.apply(x);
            return new Run(x, y, new Tensor[] {Autograd.tangentOf(y, tag)});
        } finally {
            tag.close();
        }
    }

    /** The first-order gradients of ⟨ȳ, f⟩ at {@code vals}, concatenated over the differentiable arguments. */
    static double[] gradientVector(OpCase c, double[][] vals) {
        return concat(c, reverse(c, vals));
    }

    /** Hessian-vector product by reverse over reverse: backward with createGraph, then backward of ⟨grad, v⟩. */
    static double[] reverseOverReverse(OpCase c, double[][] v) {
        Tensor[] x = c.leaves(true);
        Tensor y = c.row.fn.apply(x);
        Tensor ybar = Tensor.of(cotangent(c, y.numel()), y.shape());
        y.backward(ybar, false, true);
        Tensor inner = null;
        for (int i = 0; i < x.length; i++) {
            if (c.row.isDifferentiable(i)) {
                Tensor term = x[i].grad().mul(Tensor.of(v[i], c.shapes[i])).sum();
                inner = inner == null ? term : inner.add(term);
            }
        }
        for (Tensor xi : x) {
            if (xi.requiresGrad()) {
                xi.zeroGrad();
            }
        }
        // A gradient that does not depend on the inputs (linear ops) has no graph: its derivative is 0.
        if (inner != null && inner.requiresGrad()) {
            inner.backward();
        }
        return concat(c, new Run(x, y, grads(c, x)));
    }

    /** Hessian-vector product by forward over reverse: the tangent (along v) of the gradient. */
    static double[] forwardOverReverse(OpCase c, double[][] v) {
        Tensor[] x = c.leaves(true);
        ForwardTag tag = new ForwardTag();
        try {
            seed(c, x, v, tag);
            Tensor y = c.row.fn.apply(x);
            y.backward(Tensor.of(cotangent(c, y.numel()), y.shape()), false, true);
            Tensor[] hv = new Tensor[x.length];
            for (int i = 0; i < x.length; i++) {
                hv[i] = c.row.isDifferentiable(i) ? Autograd.tangentOf(x[i].grad(), tag) : null;
            }
            return concat(c, new Run(x, y, hv));
        } finally {
            tag.close();
        }
    }

    private static void seed(OpCase c, Tensor[] x, double[][] v, ForwardTag tag) {
        for (int i = 0; i < x.length; i++) {
            if (c.row.isDifferentiable(i)) {
                Autograd.seedTangent(x[i], tag, Tensor.of(v[i], c.shapes[i]).to(x[i].dtype()));
            }
        }
    }

    private static Tensor[] grads(OpCase c, Tensor[] x) {
        Tensor[] g = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = c.row.isDifferentiable(i) ? x[i].grad() : null;
        }
        return g;
    }

    /** Concatenates the per-argument arrays of the differentiable arguments. */
    static double[] concat(OpCase c, Run run) {
        double[][] parts = new double[run.perArg().length][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = c.row.isDifferentiable(i) ? run.arg(i) : null;
        }
        return concat(c, parts);
    }

    static double[] concat(OpCase c, double[][] perArg) {
        int n = 0;
        for (int i = 0; i < perArg.length; i++) {
            n += c.row.isDifferentiable(i) ? perArg[i].length : 0;
        }
        double[] out = new double[n];
        int k = 0;
        for (int i = 0; i < perArg.length; i++) {
            if (c.row.isDifferentiable(i)) {
                System.arraycopy(perArg[i], 0, out, k, perArg[i].length);
                k += perArg[i].length;
            }
        }
        return out;
    }
}
