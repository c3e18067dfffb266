package dev.jgrad.optable;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise closeness with a message that shows the first offending element. */
final class Close {
    private Close() {
    }

    /** |actual − expected| ≤ atol + rtol·|expected| everywhere; NaNs and equal infinities match. */
    static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " elements, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean ok = (Double.isNaN(e) && Double.isNaN(a)) || e == a || Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (|diff| " + Math.abs(a - e)
                        + ", rtol " + rtol + ", atol " + atol + ")\n expected " + abbreviate(expected) + "\n actual   "
                        + abbreviate(actual));
            }
        }
    }

    static void assertShape(String what, int[] expected, int[] actual) {
        assertArrayEquals(expected, actual, () -> what + ": expected shape " + Arrays.toString(expected) + " but was "
                + Arrays.toString(actual));
    }

    private static String abbreviate(double[] v) {
        return v.length <= 24 ? Arrays.toString(v) : Arrays.toString(Arrays.copyOf(v, 24)) + "…";
    }
}
