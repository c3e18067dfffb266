package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.Random;

import static dev.jgrad.kernels.StridedViews.DTYPES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Kernels#sumRange}, one block of a whole-array sum. */
class SumRangeTest {
    static java.util.stream.Stream<Kernels> implementations() {
        return KernelsContractTest.implementations();
    }

    /**
     * Within double rounding of the exact sum (computed in BigDecimal), on lengths around the vector
     * widths and the four-accumulator stride, at offsets; the same range twice gives the same bits.
     */
    @ParameterizedTest
    @MethodSource("implementations")
    void sumRangeIsTheSumOfTheRange(Kernels k) {
        Random rnd = new Random(5);
        for (DType dtype : DTYPES) {
            for (int len : new int[] {0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, Kernels.SUM_BLOCK + 5}) {
                int off = rnd.nextInt(9);
                Storage x = Storage.allocate(dtype, off + len + 3);
                for (int i = 0; i < x.length(); i++) {
                    x.set(i, rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3));
                }
                BigDecimal exact = BigDecimal.ZERO;
                double magnitude = 0;
                for (int i = off; i < off + len; i++) {
                    exact = exact.add(new BigDecimal(x.get(i)));
                    magnitude += Math.abs(x.get(i));
                }
                double got = k.sumRange(x, off, len);
                String where = k.name() + " " + dtype + " length " + len + " at offset " + off;
                assertEquals(exact.doubleValue(), got, 1e-14 * magnitude + Double.MIN_VALUE, where);
                assertEquals(Double.doubleToLongBits(got), Double.doubleToLongBits(k.sumRange(x, off, len)), where + ": repeated call");
            }
        }
    }

    /** NaN anywhere gives NaN, +∞ alone gives +∞, +∞ and −∞ give NaN, whichever lane they fall in. */
    @ParameterizedTest
    @MethodSource("implementations")
    void specialsPropagate(Kernels k) {
        for (DType dtype : DTYPES) {
            for (int at : new int[] {0, 5, 17, 40}) {
                Storage x = Storage.allocate(dtype, 41);
                x.set(at, Double.NaN);
                assertTrue(Double.isNaN(k.sumRange(x, 0, 41)), k.name() + " " + dtype + " NaN at " + at);
                x.set(at, Double.POSITIVE_INFINITY);
                assertEquals(Double.POSITIVE_INFINITY, k.sumRange(x, 0, 41), k.name() + " " + dtype + " +inf at " + at);
                x.set((at + 9) % 41, Double.NEGATIVE_INFINITY);
                assertTrue(Double.isNaN(k.sumRange(x, 0, 41)), k.name() + " " + dtype + " +inf and -inf");
            }
        }
    }
}
