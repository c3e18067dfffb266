package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * Checks a function's derivatives against central finite differences, like PyTorch's
 * {@code torch.autograd.gradcheck}.
 *
 * <p>The inputs are copied to float64 leaves. For a random cotangent v (seeded, so runs repeat)
 * the reverse-mode gradient Jᵀv of every input is compared element by element with the central
 * difference (⟨f(x + εeⱼ), v⟩ − ⟨f(x − εeⱼ), v⟩) / 2ε. Optionally forward mode is checked too
 * (J·u for a random tangent u against (f(x + εu) − f(x − εu)) / 2ε, and the adjoint identity
 * ⟨v, J u⟩ = ⟨Jᵀv, u⟩), and second order (the gradient of ⟨Jᵀv, w⟩, computed by differentiating
 * the backward pass, against finite differences of Jᵀv). An element passes when
 * {@code |analytic − numerical| ≤ atol + rtol·|numerical|}. Outputs of any shape are accepted.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(1, 3, 4);
 * Tensor b = Tensor.randn(2, 4);
 * GradCheck.assertGradients(in -> in[0].mul(in[1]).tanh(), x, b);   // throws AssertionError on a mismatch
 *
 * GradCheck.Result r = GradCheck.check(in -> in[0].exp().sum(0), GradCheck.Options.DEFAULT.withSecondOrder(true), x);
 * System.out.println(r.message());
 * }</pre>
 *
 * <p>Cost: two evaluations of {@code f} per input element (two backward passes per element for
 * the second-order check), so use small inputs.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /**
     * Settings of a check.
     *
     * @param eps              finite-difference step (in float64)
     * @param atol             absolute tolerance
     * @param rtol             tolerance relative to the numerical value
     * @param checkForward     also check forward mode (JVP) against finite differences and the adjoint identity
     * @param checkSecondOrder also check grad of grad (backward with createGraph) against finite differences
     * @param seed             seed of the random cotangents and tangents
     */
    public record Options(double eps, double atol, double rtol, boolean checkForward, boolean checkSecondOrder, long seed) {
        /** eps 1e-6, atol 1e-5, rtol 1e-3 (PyTorch's defaults), forward mode on, second order off. */
        public static final Options DEFAULT = new Options(1e-6, 1e-5, 1e-3, true, false, 42);

        public Options {
            if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0)) {
                throw new IllegalArgumentException("GradCheck.Options: eps must be > 0 and atol, rtol >= 0, got eps=" + eps
                        + ", atol=" + atol + ", rtol=" + rtol);
            }
        }

        /** These options with other tolerances. */
        public Options withTolerance(double atol, double rtol) {
            return new Options(eps, atol, rtol, checkForward, checkSecondOrder, seed);
        }

        /** These options with another finite-difference step. */
        public Options withEps(double eps) {
            return new Options(eps, atol, rtol, checkForward, checkSecondOrder, seed);
        }

        /** These options with the forward-mode check switched on or off. */
        public Options withForward(boolean on) {
            return new Options(eps, atol, rtol, on, checkSecondOrder, seed);
        }

        /** These options with the second-order check switched on or off. */
        public Options withSecondOrder(boolean on) {
            return new Options(eps, atol, rtol, checkForward, on, seed);
        }
    }

    /**
     * Outcome of a check. The worst element is the one furthest outside its tolerance in the first
     * comparison that failed (reverse, forward, adjoint, second-order, in that order), or, when all
     * pass, the one closest to its tolerance.
     *
     * @param passed        true when every compared value is within tolerance
     * @param maxAbsError   largest |analytic − numerical| over all compared values
     * @param maxRelError   largest |analytic − numerical| / |numerical| (over values with numerical ≠ 0)
     * @param worstCheck    which comparison the worst element belongs to: "reverse", "forward", "adjoint" or "second-order"
     * @param worstInput    the input the worst element belongs to (for "forward": the input whose tangent was seeded;
     *                      −1 for "adjoint", which sums over all inputs)
     * @param worstIndex    multi-index of the worst element
     * @param analytic      the derivative the engine computed there
     * @param numerical     the finite-difference estimate there
     * @param message       a readable one-paragraph summary
     */
    public record Result(boolean passed, double maxAbsError, double maxRelError, String worstCheck, int worstInput,
                         int[] worstIndex, double analytic, double numerical, String message) {
        @Override
        public String toString() {
            return message;
        }
    }

    /** Checks {@code f} at {@code inputs} with {@link Options#DEFAULT}. */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, Options.DEFAULT, inputs);
    }

    /** Checks {@code f} at {@code inputs} (which are copied, never modified). */
    public static Result check(Function<Tensor[], Tensor> f, Options options, Tensor... inputs) {
        if (f == null || options == null || inputs == null || inputs.length == 0) {
            throw new IllegalArgumentException("GradCheck: needs a function, options and at least one input tensor");
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new IllegalArgumentException("GradCheck: input " + i + " is null");
            }
        }
        Checker c = new Checker(f, options, inputs);
        c.checkReverse();
        if (options.checkForward()) {
            c.checkForward();
        }
        if (options.checkSecondOrder()) {
            c.checkSecondOrder();
        }
        return c.worst.result(options);
    }

    /** Like {@link #check(Function, Tensor...)}, but throws {@link AssertionError} with the message on failure. */
    public static Result assertGradients(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return assertGradients(f, Options.DEFAULT, inputs);
    }

    /** Like {@link #check(Function, Options, Tensor...)}, but throws {@link AssertionError} with the message on failure. */
    public static Result assertGradients(Function<Tensor[], Tensor> f, Options options, Tensor... inputs) {
        Result r = check(f, options, inputs);
        if (!r.passed()) {
            throw new AssertionError(r.message());
        }
        return r;
    }

    /** State of one check: float64 copies of the inputs, the cotangent, and the worst comparison so far. */
    private static final class Checker {
        private final Function<Tensor[], Tensor> f;
        private final Options options;
        private final double[][] x;
        private final int[][] shapes;
        private final RandomGenerator rng;
        private final Worst worst;
        private Tensor cotangent;
        private double[][] reverseGrads;

        Checker(Function<Tensor[], Tensor> f, Options options, Tensor[] inputs) {
            this.f = f;
            this.options = options;
            this.x = new double[inputs.length][];
            this.shapes = new int[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                x[i] = inputs[i].toDoubleArray();
                shapes[i] = inputs[i].shape();
            }
            this.rng = dev.jgrad.ops.Creation.generator(options.seed());
            this.worst = new Worst(options);
        }

        /** Fresh float64 leaves holding {@code values}. */
        private Tensor[] leaves(double[][] values, boolean requiresGrad) {
            Tensor[] t = new Tensor[values.length];
            for (int i = 0; i < values.length; i++) {
                t[i] = Tensor.of(values[i].clone(), shapes[i]).requiresGrad(requiresGrad);
            }
            return t;
        }

        private Tensor apply(Tensor[] in) {
            Tensor y = f.apply(in);
            if (y == null) {
                throw new IllegalArgumentException("GradCheck: the function returned null");
            }
            return y;
        }

        /** ⟨f(values), v⟩ without recording a graph. */
        private double dotWithCotangent(double[][] values) {
            try (GradScope _ = Tensor.noGrad()) {
                return dot(apply(leaves(values, false)).toDoubleArray(), cotangent.toDoubleArray());
            }
        }

        /** Jᵀv for every input by reverse mode at {@code values}; the graph is recorded with createGraph when asked. */
        private Tensor[] reverse(double[][] values, boolean createGraph, Tensor[] leavesOut) {
            Tensor[] in = leaves(values, true);
            System.arraycopy(in, 0, leavesOut, 0, in.length);
            Tensor y = apply(in);
            if (cotangent == null) {
                cotangent = Tensor.randn(rng, DType.FLOAT64, y.shape());
            }
            if (y.requiresGrad()) {
                y.backward(cotangent.to(y.dtype()), false, createGraph);
            }
            Tensor[] g = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                g[i] = in[i].grad();
            }
            return g;
        }

        void checkReverse() {
            Tensor[] g = reverse(x, false, new Tensor[x.length]);
            reverseGrads = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                reverseGrads[i] = g[i].toDoubleArray();
                double[] numerical = new double[x[i].length];
                for (int j = 0; j < x[i].length; j++) {
                    numerical[j] = centralDifference(i, j, this::dotWithCotangent);
                }
                worst.compare("reverse", i, shapes[i], reverseGrads[i], numerical);
            }
        }

        void checkForward() {
            double adjointLhs = 0;
            double adjointRhs = 0;
            for (int i = 0; i < x.length; i++) {
                double[] u = Tensor.randn(rng, DType.FLOAT64, shapes[i]).toDoubleArray();
                ForwardTag tag = new ForwardTag();
                Tensor jvp;
                try (GradScope _ = Tensor.noGrad()) {
                    Tensor[] in = leaves(x, false);
                    Autograd.seedTangent(in[i], tag, Tensor.of(u, shapes[i]));
                    jvp = Autograd.tangentOf(apply(in), tag);
                } finally {
                    tag.close();
                }
                double[] analytic = jvp.toDoubleArray();
                double[] numerical = directionalDifference(i, u);
                worst.compare("forward", i, jvp.shape(), analytic, numerical);
                adjointLhs += dot(cotangent.toDoubleArray(), analytic);
                adjointRhs += dot(reverseGrads[i], u);
            }
            worst.compare("adjoint", -1, new int[0], new double[] {adjointLhs}, new double[] {adjointRhs});
        }

        void checkSecondOrder() {
            double[][] w = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
                w[i] = Tensor.randn(rng, DType.FLOAT64, shapes[i]).toDoubleArray();
            }
            Tensor[] in = new Tensor[x.length];
            Tensor[] g = reverse(x, true, in);
            Tensor s = Tensor.scalar(0);
            for (int i = 0; i < x.length; i++) {
                s = s.add(g[i].mul(Tensor.of(w[i], shapes[i])).sum());
                in[i].zeroGrad();
            }
            if (s.requiresGrad()) {
                s.backward();
            }
            for (int i = 0; i < x.length; i++) {
                double[] analytic = in[i].grad().toDoubleArray();
                double[] numerical = new double[x[i].length];
                for (int j = 0; j < x[i].length; j++) {
                    numerical[j] = centralDifference(i, j, values -> {
                        Tensor[] grads = reverse(values, false, new Tensor[values.length]);
                        double sum = 0;
                        for (int k = 0; k < grads.length; k++) {
                            sum += dot(grads[k].toDoubleArray(), w[k]);
                        }
                        return sum;
                    });
                }
                worst.compare("second-order", i, shapes[i], analytic, numerical);
            }
        }

        /** (φ(x + ε eⱼ) − φ(x − ε eⱼ)) / 2ε for element j of input i. */
        private double centralDifference(int i, int j, ToDoubleFunction<double[][]> phi) {
            double[][] values = x.clone();
            values[i] = x[i].clone();
            double h = options.eps();
            values[i][j] = x[i][j] + h;
            double plus = phi.applyAsDouble(values);
            values[i][j] = x[i][j] - h;
            double minus = phi.applyAsDouble(values);
            return (plus - minus) / (2 * h);
        }

        /** (f(x + εu) − f(x − εu)) / 2ε, element-wise, moving input i along u. */
        private double[] directionalDifference(int i, double[] u) {
            double h = options.eps();
            double[][] values = x.clone();
            double[] plus;
            double[] minus;
            try (GradScope _ = Tensor.noGrad()) {
                values[i] = axpy(x[i], h, u);
                plus = apply(leaves(values, false)).toDoubleArray();
                values[i] = axpy(x[i], -h, u);
                minus = apply(leaves(values, false)).toDoubleArray();
            }
            double[] d = new double[plus.length];
            for (int k = 0; k < d.length; k++) {
                d[k] = (plus[k] - minus[k]) / (2 * h);
            }
            return d;
        }
    }

    /** Running maxima and the element furthest outside (or nearest to) its tolerance. */
    private static final class Worst {
        private final Options options;
        private boolean passed = true;
        private double maxAbs;
        private double maxRel;
        private double worstRatio = -1;
        private String check = "reverse";
        private int input = 0;
        private int[] index = new int[0];
        private double analytic;
        private double numerical;
        private int[] shape = new int[0];

        Worst(Options options) {
            this.options = options;
        }

        void compare(String kind, int inputIndex, int[] valuesShape, double[] a, double[] n) {
            for (int k = 0; k < a.length; k++) {
                double err = Math.abs(a[k] - n[k]);
                double allowed = options.atol() + options.rtol() * Math.abs(n[k]);
                // Equal values (even infinite) pass; NaN on one side only fails.
                double ratio = a[k] == n[k] ? 0
                        : Double.isNaN(err) ? Double.POSITIVE_INFINITY
                        : allowed > 0 ? err / allowed : Double.POSITIVE_INFINITY;
                if (!Double.isNaN(err)) {
                    maxAbs = Math.max(maxAbs, err);
                    if (n[k] != 0) {
                        maxRel = Math.max(maxRel, err / Math.abs(n[k]));
                    }
                }
                // Once a check has failed, later checks do not take over the report: the first failure localises best.
                if (ratio > worstRatio && (passed || kind.equals(check))) {
                    worstRatio = ratio;
                    check = kind;
                    input = inputIndex;
                    shape = valuesShape;
                    index = unravel(k, valuesShape);
                    analytic = a[k];
                    numerical = n[k];
                }
                passed &= ratio <= 1;
            }
        }

        Result result(Options o) {
            String where = switch (check) {
                case "forward" -> "forward-mode tangent (JVP) seeded on input " + input + ", at output element "
                        + Arrays.toString(index) + " of output shape " + Arrays.toString(shape);
                case "adjoint" -> "adjoint identity <v, J u> = <J^T v, u>";
                case "second-order" -> "second-order gradient of input " + input + " (shape " + Arrays.toString(shape)
                        + ") at element " + Arrays.toString(index);
                default -> "reverse-mode gradient of input " + input + " (shape " + Arrays.toString(shape)
                        + ") at element " + Arrays.toString(index);
            };
            String values = String.format(Locale.ROOT, "analytic %.9g vs numerical %.9g (abs error %.3g); max abs error %.3g, "
                    + "max rel error %.3g; tolerance atol=%.1g + rtol=%.1g*|numerical|, eps=%.1g",
                    analytic, numerical, Math.abs(analytic - numerical), maxAbs, maxRel, o.atol(), o.rtol(), o.eps());
            String message = (passed ? "GradCheck passed; closest to tolerance: " : "GradCheck FAILED: ") + where + ": " + values;
            return new Result(passed, maxAbs, maxRel, check, input, index.clone(), analytic, numerical, message);
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private static double[] axpy(double[] x, double a, double[] u) {
        double[] r = new double[x.length];
        for (int k = 0; k < r.length; k++) {
            r[k] = x[k] + a * u[k];
        }
        return r;
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return idx;
    }
}
