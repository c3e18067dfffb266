package dev.jgrad.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTest {
    private static final PrintStream SILENT = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void oscillationFitRecoversTheParameters() {
        OscillationFit.Result r = OscillationFit.run(Demo.SEED, Demo.FIT_STEPS, SILENT);
        double[] truth = OscillationFit.TRUE_PARAMS;
        assertEquals(truth[0], r.a(), 0.03 * truth[0]);
        assertEquals(truth[1], r.b(), 0.03 * truth[1]);
        assertEquals(truth[2], r.c(), 0.01 * truth[2]);
        // Converged to the noise floor (σ² = 0.0025), from a loss about a hundred times larger.
        assertTrue(r.finalLoss() < 0.0030, "final loss " + r.finalLoss());
        assertTrue(r.initialLoss() > 50 * r.finalLoss(), "initial loss " + r.initialLoss());
    }

    @Test
    void digitsClassifierLearns() {
        DigitsClassifier.Result r = DigitsClassifier.run(Demo.SEED, 10, SILENT);
        assertEquals(1797, r.trainSize() + r.testSize());
        assertTrue(r.testAccuracy() > 0.93, "held-out accuracy " + r.testAccuracy());
        // Small random initial logits give about ln 10 ≈ 2.30; training must cut that twentyfold.
        assertEquals(Math.log(10), r.initialLoss(), 0.5);
        assertTrue(r.finalLoss() < r.initialLoss() / 20, "loss " + r.initialLoss() + " -> " + r.finalLoss());
        int counted = 0;
        for (int k = 0; k < DigitsClassifier.CLASSES; k++) {
            counted += Arrays.stream(r.confusion()[k]).sum();
            assertTrue(r.classAccuracy(k) > 0.8, "class " + k + " accuracy " + r.classAccuracy(k));
        }
        assertEquals(r.testSize(), counted);
    }

    @Test
    void demoPrintsWhatItFound() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Demo.main(new String[0]);
        } finally {
            System.setOut(previous);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("recovered: a = 2.0"), out);
        assertTrue(out.contains("   passed (max abs error"), out);
        assertTrue(out.contains("held-out accuracy: 9"), out);
        assertTrue(out.contains("   per class:  0 "), out);
    }
}
