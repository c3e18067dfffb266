package dev.jgrad.kernels;

import dev.jgrad.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ResultArrays}: the modes the property chooses, the JDK's uninitialized allocation (the
 * build exports {@code jdk.internal.misc} to jgrad in its test runs), and poison mode, which both
 * test runs use so that a kernel leaving part of its result unwritten shows NaN.
 */
class ResultArraysTest {
    private static final int[] LENGTHS = {0, 1, 7, 4096, ResultArrays.BELOW - 1, ResultArrays.BELOW, 100_000};

    @Test
    void thePropertyChoosesTheMode() {
        assertEquals(ResultArrays.UNINITIALIZED, ResultArrays.chooseMode("auto", true));
        assertEquals(ResultArrays.ZEROED, ResultArrays.chooseMode("auto", false));
        assertEquals(ResultArrays.ZEROED, ResultArrays.chooseMode(" Zeroed ", true));
        assertEquals(ResultArrays.POISON, ResultArrays.chooseMode("poison", false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultArrays.chooseMode("uninit", true));
        assertTrue(e.getMessage().contains("jgrad.resultArrays") && e.getMessage().contains("'uninit'"), e.getMessage());
    }

    @Test
    void theModeInUseIsTheOneAskedFor() {
        String asked = System.getProperty("jgrad.resultArrays");
        if (asked != null) {
            boolean exported = Object.class.getModule().isExported("jdk.internal.misc", ResultArrays.class.getModule());
            assertEquals(ResultArrays.chooseMode(asked, exported), ResultArrays.MODE, "jgrad.resultArrays=" + asked);
        }
        assertTrue(ResultArrays.mode().matches("uninitialized|zeroed|poison"), ResultArrays.mode());
    }

    @Test
    void theJdksAllocationGivesWritableArraysOfTheLength() {
        assertTrue(Object.class.getModule().isExported("jdk.internal.misc", ResultArrays.class.getModule()),
                "the build exports jdk.internal.misc to jgrad's tests");
        for (int n : LENGTHS) {
            float[] f = ResultArrays.uninitializedFloats(n);
            double[] d = ResultArrays.uninitializedDoubles(n);
            assertEquals(n, f.length);
            assertEquals(n, d.length);
            for (int i = 0; i < n; i++) {
                f[i] = i;
                d[i] = -i;
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i, f[i]);
                assertEquals(-i, d[i]);
            }
        }
    }

    @Test
    void everyArrayHasItsLengthAndPoisonModeFillsItWithNaN() {
        for (int n : LENGTHS) {
            float[] f = ResultArrays.floats(n);
            double[] d = ResultArrays.doubles(n);
            assertEquals(n, f.length);
            assertEquals(n, d.length);
            if (ResultArrays.MODE == ResultArrays.POISON) {
                for (int i = 0; i < n; i++) {
                    assertTrue(Float.isNaN(f[i]) && Double.isNaN(d[i]), "element " + i + " of " + n);
                }
            } else if (ResultArrays.MODE == ResultArrays.ZEROED) {
                assertArrayEquals(new float[n], f);
                assertArrayEquals(new double[n], d);
            }
        }
    }

    @Test
    void aProductOverAnEmptySumIsZerosNotAnUnwrittenArray() {
        for (dev.jgrad.DType dtype : dev.jgrad.DType.values()) {
            Tensor a = Tensor.zeros(dtype, 3, 0);
            Tensor b = Tensor.zeros(dtype, 0, 4);
            Tensor c = a.matmul(b);
            assertArrayEquals(new int[] {3, 4}, c.shape());
            for (double v : c.toDoubleArray()) {
                assertEquals(0.0, v, dtype.toString());
            }
        }
    }
}
