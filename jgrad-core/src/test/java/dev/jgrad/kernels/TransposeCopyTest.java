package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Materialising views whose last two axes are swapped ({@link Transposes}: scalar tiles of 8 × 8,
 * the SIMD set's vector tiles of one vector's length, 4 to 16) gives every element where the view
 * says it is: sizes around and across the tiles (whole tiles with rows or columns left over, fewer
 * rows or columns than a tile), leading axes with their own strides (a permuted batch, a slice with
 * an offset), a source row longer than the plane's rows (a column slice), both dtypes, both kernel
 * sets.
 */
class TransposeCopyTest {
    @Test
    void swappedLastAxesCopyElementForElement() {
        int[][] shapes = {{2, 3}, {31, 33}, {32, 32}, {65, 70}, {100, 1}, {3, 40, 37}, {2, 3, 33, 34},
                {4, 4}, {8, 8}, {16, 16}, {16, 40}, {40, 16}, {48, 17}, {17, 48}, {8, 100}, {2, 64, 48}};
        for (DType dt : DType.values()) {
            for (int[] shape : shapes) {
                Tensor x = Tensor.randn(1L, shape).to(dt);
                int nd = shape.length;
                check(x.transpose(nd - 2, nd - 1), dt);
            }
            // Leading axes permuted too, and a view with an offset into its storage.
            Tensor b = Tensor.randn(2L, 5, 36, 40).to(dt);
            check(b.permute(1, 0, 2).transpose(1, 2), dt);
            check(b.slice(0, 1, 4, 1).transpose(1, 2), dt);
            check(b.slice(2, 3, 39, 2).transpose(1, 2), dt);
            Tensor w = Tensor.randn(3L, 40, 50).to(dt);
            check(w.slice(1, 3, 37, 1).transpose(0, 1), dt);
            check(w.slice(0, 5, 40, 1).slice(1, 1, 50, 1).transpose(0, 1), dt);
        }
    }

    private static void check(Tensor view, DType dt) {
        int[] s = view.shape();
        double[] got = view.contiguous().toDoubleArray();
        int[] idx = new int[s.length];
        for (int i = 0; i < got.length; i++) {
            assertEquals(view.get(idx), got[i], 0, dt + " " + java.util.Arrays.toString(s) + " at " + java.util.Arrays.toString(idx));
            for (int d = s.length - 1; d >= 0 && ++idx[d] == s[d]; d--) {
                idx[d] = 0;
            }
        }
        assertTrue(got.length > 0);
    }
}
