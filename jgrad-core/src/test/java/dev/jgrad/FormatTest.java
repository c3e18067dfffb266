package dev.jgrad;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** toString renders tensors as PyTorch does (dtype always shown). */
class FormatTest {

    @Test
    void zeroDimensional() {
        assertEquals("tensor(1.5000, dtype=float64)", Tensor.scalar(1.5).toString());
        assertEquals("tensor(-2.0000, dtype=float64)", Tensor.scalar(-2).toString());
    }

    @Test
    void oneDimensionalAlignsToTheWidestEntry() {
        assertEquals("tensor([1.0000, 2.5000, 3.0000], dtype=float64)", Tensor.of(1, 2.5, 3).toString());
        assertEquals("tensor([ 1.0000, -2.0000, 10.0000], dtype=float64)", Tensor.of(1, -2, 10).toString());
    }

    @Test
    void twoDimensionalRowsLineUp() {
        Tensor m = Tensor.of(new double[][] {{1, -2, 3}, {4, 5, 6}});
        assertEquals("tensor([[ 1.0000, -2.0000,  3.0000],\n"
                   + "        [ 4.0000,  5.0000,  6.0000]], dtype=float64)", m.toString());
    }

    @Test
    void threeDimensionalBlocksAreSeparatedByABlankLine() {
        assertEquals("tensor([[[0.0000, 1.0000]],\n\n        [[2.0000, 3.0000]]], dtype=float64)",
                Tensor.arange(4).reshape(2, 1, 2).toString());
    }

    @Test
    void float32AndScientificNotation() {
        assertEquals("tensor([0.5000, 0.2500], dtype=float32)", Tensor.of(new float[] {0.5f, 0.25f}, 2).toString());
        assertEquals("tensor([1.0000e-05, 1.0000e+00], dtype=float64)", Tensor.of(1e-5, 1).toString());
        assertEquals("tensor([   nan,    inf, 1.0000], dtype=float64)",
                Tensor.of(Double.NaN, Double.POSITIVE_INFINITY, 1).toString());
    }

    @Test
    void emptyTensors() {
        assertEquals("tensor([], dtype=float64)", Tensor.zeros(0).toString());
        assertEquals("tensor([], size=[0, 3], dtype=float64)", Tensor.zeros(0, 3).toString());
        assertEquals("tensor([], size=[3, 0], dtype=float64)", Tensor.zeros(3, 0).toString());
    }

    @Test
    void requiresGradAndGradFn() {
        Tensor x = Tensor.of(1, 2).requiresGrad(true);
        assertEquals("tensor([1.0000, 2.0000], dtype=float64, requiresGrad=true)", x.toString());
        assertEquals("tensor([2.0000, 4.0000], dtype=float64, gradFn=<mulScalar>)", x.mul(2.0).toString());
    }

    @Test
    void largeTensorsAreSummarised() {
        String s = Tensor.arange(10_000).reshape(100, 100).toString();
        assertTrue(s.startsWith("tensor([[   0.0000,    1.0000,    2.0000, ..., "), s);
        assertTrue(s.contains("...,\n"), s);
        assertTrue(s.endsWith("9997.0000, 9998.0000, 9999.0000]], dtype=float64)"), s);
        assertTrue(s.split("\n").length == 7, s);
        assertTrue(s.length() < 1000, s);
    }
}
