package dev.jgrad.examples;

import dev.jgrad.GradScope;
import dev.jgrad.Tensor;

/**
 * The Adam optimiser (Kingma and Ba, 2015) over a fixed list of parameters. Tensors are immutable,
 * so each step replaces every parameter by a new leaf that requires a gradient; read them back
 * with {@link #param(int)}.
 */
final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final Tensor[] params;
    private final Tensor[] firstMoment;
    private final Tensor[] secondMoment;
    private final double learningRate;
    private int steps;

    Adam(double learningRate, Tensor... initial) {
        this.learningRate = learningRate;
        this.params = new Tensor[initial.length];
        this.firstMoment = new Tensor[initial.length];
        this.secondMoment = new Tensor[initial.length];
        for (int i = 0; i < initial.length; i++) {
            params[i] = initial[i].detach().requiresGrad(true);
            firstMoment[i] = Tensor.zerosLike(initial[i]);
            secondMoment[i] = Tensor.zerosLike(initial[i]);
        }
    }

    Tensor param(int i) {
        return params[i];
    }

    /** One update from the gradients left by the last backward pass. */
    void step() {
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        try (GradScope _ = Tensor.noGrad()) {
            for (int i = 0; i < params.length; i++) {
                Tensor g = params[i].grad();
                firstMoment[i] = firstMoment[i].mul(BETA1).add(g.mul(1 - BETA1));
                secondMoment[i] = secondMoment[i].mul(BETA2).add(g.square().mul(1 - BETA2));
                Tensor update = firstMoment[i].div(correction1)
                        .div(secondMoment[i].div(correction2).sqrt().add(EPSILON))
                        .mul(learningRate);
                // A fresh leaf: its gradient starts at zero for the next pass.
                params[i] = params[i].sub(update).requiresGrad(true);
            }
        }
    }
}
