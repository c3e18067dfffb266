package dev.jgrad.kernels.simd;

/**
 * Copies blocks of A and B into the contiguous, zero-padded micro-panels the micro-kernels stream
 * through (GotoBLAS/BLIS packing). Reads any row/column strides, so transposed or broadcast
 * operands need no copy beforehand. A block of {@code rows × depth} from A becomes panels of
 * {@code mr} rows stored depth-major ({@code panel[p·mr + i]}); a block of {@code depth × cols}
 * from B becomes panels of {@code nr} columns stored depth-major ({@code panel[p·nr + j]}).
 */
final class Packing {
    private Packing() {
    }

    /** Packs A[0..rows, 0..depth) read at {@code off + i·rs + p·cs} into {@code mr}-row panels. */
    static void packA(float[] a, int off, int rs, int cs, int rows, int depth, int mr, float[] dst) {
        for (int i0 = 0, base = 0; i0 < rows; i0 += mr, base += mr * depth) {
            int h = Math.min(mr, rows - i0);
            if (h < mr) {
                java.util.Arrays.fill(dst, base, base + mr * depth, 0f);
            }
            // Walk the source along its unit (or smaller) stride: the other order misses cache on transposed operands.
            if (Math.abs(cs) <= Math.abs(rs)) {
                for (int i = 0; i < h; i++) {
                    int src = off + (i0 + i) * rs;
                    for (int p = 0, d = base + i; p < depth; p++, d += mr, src += cs) {
                        dst[d] = a[src];
                    }
                }
            } else {
                for (int p = 0; p < depth; p++) {
                    int src = off + i0 * rs + p * cs;
                    for (int i = 0, d = base + p * mr; i < h; i++, src += rs) {
                        dst[d + i] = a[src];
                    }
                }
            }
        }
    }

    /** Packs B[0..depth, 0..cols) read at {@code off + p·rs + j·cs} into {@code nr}-column panels. */
    static void packB(float[] b, int off, int rs, int cs, int depth, int cols, int nr, float[] dst) {
        for (int j0 = 0, base = 0; j0 < cols; j0 += nr, base += nr * depth) {
            int w = Math.min(nr, cols - j0);
            if (w < nr) {
                java.util.Arrays.fill(dst, base, base + nr * depth, 0f);
            }
            if (cs == 1) {
                for (int p = 0, src = off + j0; p < depth; p++, src += rs) {
                    System.arraycopy(b, src, dst, base + p * nr, w);
                }
            } else if (Math.abs(cs) <= Math.abs(rs)) {
                for (int p = 0; p < depth; p++) {
                    int src = off + p * rs + j0 * cs;
                    for (int j = 0, d = base + p * nr; j < w; j++, src += cs) {
                        dst[d + j] = b[src];
                    }
                }
            } else {
                for (int j = 0; j < w; j++) {
                    int src = off + (j0 + j) * cs;
                    for (int p = 0, d = base + j; p < depth; p++, d += nr, src += rs) {
                        dst[d] = b[src];
                    }
                }
            }
        }
    }

    /** {@link #packA(float[], int, int, int, int, int, int, float[])} for float64. */
    static void packA(double[] a, int off, int rs, int cs, int rows, int depth, int mr, double[] dst) {
        for (int i0 = 0, base = 0; i0 < rows; i0 += mr, base += mr * depth) {
            int h = Math.min(mr, rows - i0);
            if (h < mr) {
                java.util.Arrays.fill(dst, base, base + mr * depth, 0d);
            }
            if (Math.abs(cs) <= Math.abs(rs)) {
                for (int i = 0; i < h; i++) {
                    int src = off + (i0 + i) * rs;
                    for (int p = 0, d = base + i; p < depth; p++, d += mr, src += cs) {
                        dst[d] = a[src];
                    }
                }
            } else {
                for (int p = 0; p < depth; p++) {
                    int src = off + i0 * rs + p * cs;
                    for (int i = 0, d = base + p * mr; i < h; i++, src += rs) {
                        dst[d + i] = a[src];
                    }
                }
            }
        }
    }

    /** {@link #packB(float[], int, int, int, int, int, int, float[])} for float64. */
    static void packB(double[] b, int off, int rs, int cs, int depth, int cols, int nr, double[] dst) {
        for (int j0 = 0, base = 0; j0 < cols; j0 += nr, base += nr * depth) {
            int w = Math.min(nr, cols - j0);
            if (w < nr) {
                java.util.Arrays.fill(dst, base, base + nr * depth, 0d);
            }
            if (cs == 1) {
                for (int p = 0, src = off + j0; p < depth; p++, src += rs) {
                    System.arraycopy(b, src, dst, base + p * nr, w);
                }
            } else if (Math.abs(cs) <= Math.abs(rs)) {
                for (int p = 0; p < depth; p++) {
                    int src = off + p * rs + j0 * cs;
                    for (int j = 0, d = base + p * nr; j < w; j++, src += cs) {
                        dst[d + j] = b[src];
                    }
                }
            } else {
                for (int j = 0; j < w; j++) {
                    int src = off + (j0 + j) * cs;
                    for (int p = 0, d = base + j; p < depth; p++, d += nr, src += rs) {
                        dst[d] = b[src];
                    }
                }
            }
        }
    }
}
