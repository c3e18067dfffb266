package dev.jgrad.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

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
        assertEquals(Math.log(2), r.initialLoss(), 1e-12);
        assertTrue(r.finalLoss() < 0.1, "final loss " + r.finalLoss());
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
    }
}
