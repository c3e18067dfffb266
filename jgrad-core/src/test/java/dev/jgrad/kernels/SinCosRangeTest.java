package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;

import static dev.jgrad.kernels.StridedViews.DTYPES;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Kernels#sinCosRange}, which deferred expressions use when they need sin and cos of one operand. */
class SinCosRangeTest {
    static java.util.stream.Stream<Kernels> implementations() {
        return KernelsContractTest.implementations();
    }

    /**
     * sinCosRange gives exactly mapRange's sin and cos, on lengths around the vector widths, at
     * offsets, on arguments past the polynomials' range, near multiples of π/2, and on specials.
     */
    @ParameterizedTest
    @MethodSource("implementations")
    void sinCosRangeEqualsMapRangeOfSinAndCos(Kernels k) {
        Random rnd = new Random(11);
        UnaryFn sin = UnaryFn.of(UnaryFn.Kind.SIN);
        UnaryFn cos = UnaryFn.of(UnaryFn.Kind.COS);
        double[] specials = {0.0, -0.0, 1e-30, -1e-8, Math.PI / 2, -Math.PI, 3 * Math.PI / 2, 1e4, -3e5, 1e30,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE};
        for (DType dtype : DTYPES) {
            for (int len : new int[] {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 100}) {
                int off = rnd.nextInt(5);
                Storage x = Storage.allocate(dtype, off + len);
                for (int i = 0; i < off + len; i++) {
                    int pick = rnd.nextInt(4);
                    x.set(i, pick == 0 ? specials[rnd.nextInt(specials.length)]
                            : pick == 1 ? rnd.nextInt(200) * Math.PI / 2 * (1 + 1e-7 * rnd.nextGaussian())
                            : (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(8)));
                }
                Storage s1 = Storage.allocate(dtype, len + 2);
                Storage c1 = Storage.allocate(dtype, len + 3);
                Storage s2 = Storage.allocate(dtype, len);
                Storage c2 = Storage.allocate(dtype, len);
                k.sinCosRange(x, off, s1, 2, c1, 3, len);
                k.mapRange(sin, x, off, s2, 0, len);
                k.mapRange(cos, x, off, c2, 0, len);
                for (int i = 0; i < len; i++) {
                    String at = dtype + " len " + len + " element " + i + " x=" + x.get(off + i);
                    assertEquals(Double.doubleToRawLongBits(s2.get(i)),
                            Double.doubleToRawLongBits(s1.get(2 + i)), "sin " + at);
                    assertEquals(Double.doubleToRawLongBits(c2.get(i)),
                            Double.doubleToRawLongBits(c1.get(3 + i)), "cos " + at);
                }
            }
        }
    }
}
