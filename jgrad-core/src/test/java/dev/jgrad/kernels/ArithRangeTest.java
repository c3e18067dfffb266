package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static dev.jgrad.kernels.ArithProgram.ADD;
import static dev.jgrad.kernels.ArithProgram.DIV;
import static dev.jgrad.kernels.ArithProgram.MUL;
import static dev.jgrad.kernels.ArithProgram.NEG;
import static dev.jgrad.kernels.ArithProgram.SUB;
import static dev.jgrad.kernels.ArithProgram.load;
import static dev.jgrad.kernels.ArithProgram.tee;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Kernels#arithRange} of the kernels in use (with SIMD: one generated vector loop per program
 * shape) gives, element for element and bit for bit, {@link ArithProgram#apply}'s reference value:
 * every intermediate rounded to the dtype. Lengths around the vector width (tails), operands at
 * offsets, broadcast leaves, a leaf read twice, values kept in locals and read again, zeros,
 * infinities and NaN.
 */
class ArithRangeTest {
    private static final int[][] PROGRAMS = {
            {0, 1, MUL, 0, 2, MUL, 1, MUL, 3, MUL, ADD},
            {0, 1, SUB, 2, DIV, NEG},
            {0, 0, MUL, 1, ADD, 0, DIV},
            {0, 1, ADD, 2, 3, SUB, MUL, 0, NEG, DIV},
            // Values kept in locals and read again: t = a + b; t·t − c/t.
            {0, 1, ADD, tee(0), load(0), MUL, 2, load(0), DIV, SUB},
            // Two locals, one stored inside the other's expression; tanh's rule g·(1 − y·y) on a local.
            {0, 1, MUL, tee(0), 2, tee(1), MUL, load(1), load(0), ADD, DIV, 3, tee(2), load(2), MUL, SUB},
    };

    private static Storage row(DType dtype, Random r, int n) {
        Storage s = Storage.allocate(dtype, n);
        double[] special = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e-300, 3e38};
        for (int i = 0; i < n; i++) {
            s.set(i, r.nextInt(10) == 0 ? special[r.nextInt(special.length)] : r.nextGaussian() * 3);
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void matchesTheReferenceOnAwkwardLengthsOffsetsAndBroadcasts(DType dtype) {
        Kernels k = KernelProvider.get();
        Random r = new Random(11);
        int[] lengths = {0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1000};
        for (int[] code : PROGRAMS) {
            for (int mask = 0; mask < 16; mask++) {
                boolean[] broadcast = new boolean[4];
                for (int l = 0; l < 4; l++) {
                    broadcast[l] = (mask >> l & 1) != 0;
                }
                ArithProgram p = new ArithProgram(code, broadcast);
                for (int n : lengths) {
                    Storage[] leaves = new Storage[4];
                    int[] offsets = new int[4];
                    for (int l = 0; l < 4; l++) {
                        offsets[l] = r.nextInt(5);
                        leaves[l] = row(dtype, r, offsets[l] + Math.max(n, 1));
                    }
                    int outOff = r.nextInt(3);
                    Storage out = Storage.allocate(dtype, outOff + n);
                    k.arithRange(p, leaves, offsets, out, outOff, n);
                    double[] values = new double[4];
                    double[] stack = new double[p.scratch()];
                    for (int i = 0; i < n; i++) {
                        for (int l = 0; l < 4; l++) {
                            values[l] = leaves[l].get(offsets[l] + (broadcast[l] ? 0 : i));
                        }
                        double want = p.apply(values, stack, dtype == DType.FLOAT32);
                        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(out.get(outOff + i)),
                                () -> p + " n=" + n + ": want " + want + ", got a different value");
                    }
                }
            }
        }
    }

    @Test
    void float32IntermediatesAreRoundedToFloat() {
        // (a·b)·c with a·b rounded to float first: a = b = 1 + 2⁻¹², c = 1 + 2⁻¹².
        double a = 1 + 0x1p-12;
        ArithProgram p = new ArithProgram(new int[] {0, 1, MUL, 2, MUL}, new boolean[3]);
        double exact = p.apply(new double[] {a, a, a}, new double[3], false);
        double rounded = p.apply(new double[] {a, a, a}, new double[3], true);
        assertNotEquals(exact, rounded);
        assertEquals((float) ((double) (float) (a * a) * a), rounded);
    }

    @Test
    void badProgramsAreRejectedWithTheirInstructions() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ArithProgram(new int[] {0, ADD}, new boolean[1]))
                .getMessage().contains("underflow"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ArithProgram(new int[] {0, 1}, new boolean[2]))
                .getMessage().contains("leaves 2 values"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ArithProgram(new int[] {3}, new boolean[1]))
                .getMessage().contains("leaf 3 of 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ArithProgram(new int[] {0, -9}, new boolean[1]))
                .getMessage().contains("unknown instruction -9"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ArithProgram(new int[] {0, load(0), ADD}, new boolean[1]))
                .getMessage().contains("local 0 read before it is stored"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ArithProgram(new int[] {0, tee(1), tee(1)}, new boolean[1]))
                .getMessage().contains("second store to local 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ArithProgram(new int[] {tee(0), 0}, new boolean[1]))
                .getMessage().contains("empty stack at store to local 0"));
        assertThrows(IndexOutOfBoundsException.class, () -> tee(ArithProgram.MAX_LOCALS));
    }

    @Test
    void equalShapesHaveEqualKeys() {
        ArithProgram a = new ArithProgram(new int[] {0, 1, MUL}, new boolean[] {false, true});
        ArithProgram b = new ArithProgram(new int[] {0, 1, MUL}, new boolean[] {false, true});
        ArithProgram c = new ArithProgram(new int[] {0, 1, MUL}, new boolean[] {false, false});
        assertEquals(a.key(), b.key());
        assertNotEquals(a.key(), c.key());
        assertEquals(2, a.depth());
        ArithProgram t = new ArithProgram(new int[] {0, tee(0), load(0), MUL}, new boolean[1]);
        ArithProgram u = new ArithProgram(new int[] {0, 0, MUL}, new boolean[1]);
        assertNotEquals(t.key(), u.key());
        assertEquals(1, t.locals());
        assertEquals(3, t.scratch());
        assertEquals(0, ArithProgram.teeLocal(tee(0)));
        assertEquals(-1, ArithProgram.loadLocal(tee(0)));
        assertEquals(7, ArithProgram.loadLocal(load(7)));
    }
}
