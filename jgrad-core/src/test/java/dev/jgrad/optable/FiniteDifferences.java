package dev.jgrad.optable;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Central finite differences in float64. Steps are relative: h·max(1, |x|), so large inputs are
 * perturbed above their rounding error and small ones not swamped (error O(h²) + O(ε/h)).
 */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /** ∂φ/∂x[arg][j] for every element j, by (φ(x + h e_j) − φ(x − h e_j)) / 2h. */
    public static double[] gradient(ToDoubleFunction<double[][]> phi, double[][] x, int arg, double step) {
        double[] out = new double[x[arg].length];
        for (int j = 0; j < out.length; j++) {
            double xj = x[arg][j];
            double h = step * Math.max(1, Math.abs(xj));
            double[][] plus = copy(x);
            double[][] minus = copy(x);
            plus[arg][j] = xj + h;
            minus[arg][j] = xj - h;
            out[j] = (phi.applyAsDouble(plus) - phi.applyAsDouble(minus)) / (2 * h);
        }
        return out;
    }

    /**
     * The directional derivative of a vector function along {@code v} (null entries: arguments
     * held fixed), by (f(x + hv) − f(x − hv)) / 2h with h relative to the largest |x|.
     */
    public static double[] directional(Function<double[][], double[]> f, double[][] x, double[][] v, double step) {
        double scale = 1;
        for (double[] xi : x) {
            for (double e : xi) {
                scale = Math.max(scale, Math.abs(e));
            }
        }
        double h = step * scale;
        double[] plus = f.apply(shifted(x, v, h));
        double[] minus = f.apply(shifted(x, v, -h));
        double[] out = new double[plus.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (plus[i] - minus[i]) / (2 * h);
        }
        return out;
    }

    /** {@code x + h·v} (arguments with a null direction unchanged). */
    public static double[][] shifted(double[][] x, double[][] v, double h) {
        double[][] out = copy(x);
        for (int i = 0; i < x.length; i++) {
            if (v[i] != null) {
                for (int j = 0; j < x[i].length; j++) {
                    out[i][j] += h * v[i][j];
                }
            }
        }
        return out;
    }

    public static double[][] copy(double[][] x) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
        }
        return out;
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
