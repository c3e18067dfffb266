package dev.jgrad.examples;

import dev.jgrad.GradCheck;
import dev.jgrad.Tensor;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The runnable demo ({@code ./mvnw -q -Pdemo -DskipTests verify}): fits a damped oscillation to
 * noisy samples, checks the model's derivatives against finite differences, and trains a small
 * neural network (a 64-32-10 perceptron) to classify digits; all by reverse-mode automatic
 * differentiation.
 */
public final class Demo {
    static final long SEED = 7;
    static final int FIT_STEPS = 300;
    static final int DIGIT_EPOCHS = 20;

    private Demo() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        out.println("jgrad demo: reverse-mode automatic differentiation in pure Java (JDK " + Runtime.version() + ")");

        out.println();
        out.println("1) Fit y = a*exp(-b*t)*cos(c*t) to 200 noisy samples (noise sigma 0.05) by Adam on the mean squared error");
        OscillationFit.Result fit = OscillationFit.run(SEED, FIT_STEPS, out);
        double[] truth = OscillationFit.TRUE_PARAMS;
        out.printf(Locale.ROOT, "   recovered: a = %.4f  b = %.4f  c = %.4f%n", fit.a(), fit.b(), fit.c());
        out.printf(Locale.ROOT, "   true:      a = %.4f  b = %.4f  c = %.4f%n", truth[0], truth[1], truth[2]);
        out.printf(Locale.ROOT, "   loss %.6f -> %.6f (the noise alone gives about %.6f)%n", fit.initialLoss(), fit.finalLoss(), 0.05 * 0.05);

        out.println();
        out.println("2) GradCheck of the model's derivatives in (a, b, c): reverse, forward and second order vs finite differences");
        Tensor t = Tensor.linspace(0, 10, 25);
        GradCheck.Result check = GradCheck.check(p -> OscillationFit.model(p[0], p[1], p[2], t),
                GradCheck.Options.DEFAULT.withSecondOrder(true), Tensor.scalar(fit.a()), Tensor.scalar(fit.b()), Tensor.scalar(fit.c()));
        out.printf(Locale.ROOT, "   %s (max abs error %.2e)%n", check.passed() ? "passed" : "FAILED: " + check.message(), check.maxAbsError());

        out.println();
        out.println("3) A 64-32-10 tanh network (cross-entropy, Adam, mini-batches of 50) on the UCI handwritten digits (8x8 pixels; CC BY 4.0)");
        DigitsClassifier.Result digits = DigitsClassifier.run(SEED, DIGIT_EPOCHS, out);
        out.printf(Locale.ROOT, "   held-out accuracy: %.1f %% on %d images (trained on %d)%n",
                100 * digits.testAccuracy(), digits.testSize(), digits.trainSize());
        StringBuilder perClass = new StringBuilder("   per class:");
        for (int k = 0; k < DigitsClassifier.CLASSES; k++) {
            perClass.append(String.format(Locale.ROOT, "  %d %.0f%%", k, 100 * digits.classAccuracy(k)));
        }
        out.println(perClass);
    }
}
