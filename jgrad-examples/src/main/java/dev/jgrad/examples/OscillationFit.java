package dev.jgrad.examples;

import dev.jgrad.Tensor;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Fits the damped oscillation y = a·exp(−b·t)·cos(c·t) to noisy samples by gradient descent
 * (Adam) on the mean squared error; reverse mode gives the gradient with respect to (a, b, c).
 */
public final class OscillationFit {
    /** Parameters (a, b, c) that generate the samples. */
    public static final double[] TRUE_PARAMS = {2.0, 0.3, 2.5};
    private static final double[] INITIAL_PARAMS = {1.0, 0.1, 2.2};

    /** What a fit found: the parameters, and the loss before and after. */
    public record Result(double a, double b, double c, double initialLoss, double finalLoss, int samples) {
    }

    private OscillationFit() {
    }

    /** Model values at times {@code t} for the 0-d parameters a, b, c (broadcast over t). */
    static Tensor model(Tensor a, Tensor b, Tensor c, Tensor t) {
        return a.mul(b.neg().mul(t).exp()).mul(c.mul(t).cos());
    }

    /**
     * Generates 200 samples on t ∈ [0, 10] with Gaussian noise (σ = 0.05, from {@code seed}) and
     * fits them in {@code steps} Adam steps, printing the loss every {@code steps / 10} steps.
     */
    public static Result run(long seed, int steps, PrintStream out) {
        Tensor t = Tensor.linspace(0, 10, 200);
        Tensor clean = model(Tensor.scalar(TRUE_PARAMS[0]), Tensor.scalar(TRUE_PARAMS[1]), Tensor.scalar(TRUE_PARAMS[2]), t);
        Tensor samples = clean.add(Tensor.randn(seed, 200).mul(0.05));

        Adam adam = new Adam(0.02, Tensor.scalar(INITIAL_PARAMS[0]), Tensor.scalar(INITIAL_PARAMS[1]),
                Tensor.scalar(INITIAL_PARAMS[2]));
        double initialLoss = Double.NaN;
        double loss = Double.NaN;
        for (int step = 0; step <= steps; step++) {
            Tensor residual = model(adam.param(0), adam.param(1), adam.param(2), t).sub(samples);
            Tensor mse = residual.square().mean();
            loss = mse.item();
            if (step == 0) {
                initialLoss = loss;
            }
            if (step % Math.max(1, steps / 10) == 0) {
                out.printf(Locale.ROOT, "  step %4d  loss %.6f  a=%.4f b=%.4f c=%.4f%n", step, loss,
                        adam.param(0).item(), adam.param(1).item(), adam.param(2).item());
            }
            if (step == steps) {
                break;
            }
            mse.backward();
            adam.step();
        }
        return new Result(adam.param(0).item(), adam.param(1).item(), adam.param(2).item(), initialLoss, loss, 200);
    }
}
