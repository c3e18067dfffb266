package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Copies blocks of A and B into the contiguous, zero-padded micro-panels the micro-kernels stream
 * through (GotoBLAS/BLIS packing). Reads any row/column strides, so transposed or broadcast
 * operands need no copy beforehand. A block of {@code rows × depth} from A becomes panels of
 * {@code mr} rows stored depth-major ({@code panel[p·mr + i]}, panel {@code t} at
 * {@code t·mr·depth}); a block of {@code depth × cols} from B becomes panels of {@code nr} columns
 * ({@code panel[p·nr + j]}). Contiguous runs are copied a vector at a time: scalar packing cost
 * up to a fifth of a 256³ product.
 */
final class Packing {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** The micro-kernels' panel widths (two vectors) as constants, so the JIT can hoist bounds checks. */
    private static final int F_NR = GemmF32.NR;
    private static final int D_NR = GemmF64.NR;
    /** The 4 × 4-vector tile's panel widths ({@link GemmF32#WIDE_NR}, {@link GemmF64#WIDE_NR}). */
    private static final int F_WNR = GemmF32.WIDE_NR;
    private static final int D_WNR = GemmF64.WIDE_NR;
    /** A 4-row panel column (mr = 4) as one vector, for A read transposed. */
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    /** Eight floats, for the 4 × 8 transpose of row-major A. */
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    /** Whether 256-bit vectors are native: the in-register transposes here and in {@link TransposedPanels}. */
    static final boolean TRANSPOSE_8 = F.vectorBitSize() >= 256;
    // Two-vector shuffles (indices ≥ 8 pick from the second vector) of the 4 × 8 transpose; the
    // QUAD ones are also the middle round of TransposedPanels' 8 × 8 transpose.
    private static final VectorShuffle<Float> PAIR_LO = VectorShuffle.fromValues(F8, 0, 8, 1, 9, 4, 12, 5, 13);
    private static final VectorShuffle<Float> PAIR_HI = VectorShuffle.fromValues(F8, 2, 10, 3, 11, 6, 14, 7, 15);
    static final VectorShuffle<Float> QUAD_LO = VectorShuffle.fromValues(F8, 0, 1, 8, 9, 2, 3, 10, 11);
    static final VectorShuffle<Float> QUAD_HI = VectorShuffle.fromValues(F8, 4, 5, 12, 13, 6, 7, 14, 15);

    private Packing() {
    }

    /** Packs A[0..rows, 0..depth) read at {@code off + i·rs + p·cs} into {@code mr}-row panels. */
    static void packA(float[] a, int off, int rs, int cs, int rows, int depth, int mr, float[] dst) {
        for (int i0 = 0, base = 0; i0 < rows; i0 += mr, base += mr * depth) {
            int h = Math.min(mr, rows - i0);
            int src = off + i0 * rs;
            if (h < mr) {
                Arrays.fill(dst, base, base + mr * depth, 0f);
            } else if (mr == 4 && rs == 1) {
                for (int p = 0; p < depth; p++) {
                    FloatVector.fromArray(F4, a, src + p * cs).intoArray(dst, base + p * 4);
                }
                continue;
            } else if (mr == 4 && cs == 1) {
                interleave4(a, src, rs, depth, dst, base);
                continue;
            } else if (mr == 4 && Math.abs(cs) <= Math.abs(rs)) {
                for (int p = 0, s = src, d = base; p < depth; p++, s += cs, d += 4) {
                    dst[d] = a[s];
                    dst[d + 1] = a[s + rs];
                    dst[d + 2] = a[s + 2 * rs];
                    dst[d + 3] = a[s + 3 * rs];
                }
                continue;
            }
            for (int p = 0; p < depth; p++) {
                for (int i = 0, s = src + p * cs, d = base + p * mr; i < h; i++, s += rs) {
                    dst[d + i] = a[s];
                }
            }
        }
    }

    /**
     * Row-major A (mr = 4): four rows of eight depth steps loaded as vectors and transposed 4 × 8 in
     * registers, then stored as four whole vectors; twice as fast as four scalar row streams
     * (~0.26 vs ~0.53 ns per element, packing A was ~8 % of a 256³ product). The depth
     * tail, and vectors shorter than 8 floats, take the scalar streams (indexed linearly in p so
     * the JIT hoists their bounds checks).
     */
    private static void interleave4(float[] a, int src, int rs, int depth, float[] dst, int base) {
        int s1 = src + rs;
        int s2 = s1 + rs;
        int s3 = s2 + rs;
        int p = 0;
        if (TRANSPOSE_8) {
            for (; p <= depth - 8; p += 8) {
                FloatVector r0 = FloatVector.fromArray(F8, a, src + p);
                FloatVector r1 = FloatVector.fromArray(F8, a, s1 + p);
                FloatVector r2 = FloatVector.fromArray(F8, a, s2 + p);
                FloatVector r3 = FloatVector.fromArray(F8, a, s3 + p);
                // Per 128-bit half: rows 0,1 (and 2,3) interleaved for depth steps 0,1 (PAIR_LO) and 2,3 (PAIR_HI).
                FloatVector t0 = r0.rearrange(PAIR_LO, r1);
                FloatVector t1 = r0.rearrange(PAIR_HI, r1);
                FloatVector u0 = r2.rearrange(PAIR_LO, r3);
                FloatVector u1 = r2.rearrange(PAIR_HI, r3);
                int d = base + 4 * p;
                t0.rearrange(QUAD_LO, u0).intoArray(dst, d);
                t1.rearrange(QUAD_LO, u1).intoArray(dst, d + 8);
                t0.rearrange(QUAD_HI, u0).intoArray(dst, d + 16);
                t1.rearrange(QUAD_HI, u1).intoArray(dst, d + 24);
            }
        }
        for (; p < depth; p++) {
            int d = base + 4 * p;
            dst[d] = a[src + p];
            dst[d + 1] = a[s1 + p];
            dst[d + 2] = a[s2 + p];
            dst[d + 3] = a[s3 + p];
        }
    }

    /** Packs B[0..depth, 0..cols) read at {@code off + p·rs + j·cs} into {@code nr}-column panels. */
    static void packB(float[] b, int off, int rs, int cs, int depth, int cols, int nr, float[] dst) {
        int j0 = 0;
        if (cs == 1 && nr % F.length() == 0) {
            // Row by row across all full panels: B's rows are read in order (panel by panel, each step
            // jumped a row ahead: a new cache line and, for wide B, a new page every time).
            int full = cols / nr * nr;
            int l = F.length();
            for (int p = 0; p < depth; p++) {
                for (int j = 0, s = off + p * rs, d = p * nr; j < full; j += nr, d += nr * depth) {
                    for (int v = 0; v < nr; v += l) {
                        FloatVector.fromArray(F, b, s + j + v).intoArray(dst, d + v);
                    }
                }
            }
            j0 = full;
        }
        for (int base = j0 * depth; j0 < cols; j0 += nr, base += nr * depth) {
            int w = Math.min(nr, cols - j0);
            int src = off + j0 * cs;
            if (w < nr) {
                Arrays.fill(dst, base, base + nr * depth, 0f);
            } else if (cs == 1 && nr % F.length() == 0) {
                for (int p = 0; p < depth; p++) {
                    for (int j = 0; j < nr; j += F.length()) {
                        FloatVector.fromArray(F, b, src + p * rs + j).intoArray(dst, base + p * nr + j);
                    }
                }
                continue;
            }
            if (Math.abs(cs) <= Math.abs(rs)) {
                for (int p = 0; p < depth; p++) {
                    for (int j = 0, s = src + p * rs, d = base + p * nr; j < w; j++, s += cs) {
                        dst[d + j] = b[s];
                    }
                }
            } else if (TRANSPOSE_8 && rs == 1 && w % 8 == 0 && nr == F_NR) {
                TransposedPanels.eightColumns(b, src, cs, depth, dst, base, w, F_NR);
            } else if (TRANSPOSE_8 && rs == 1 && w % 8 == 0 && nr == F_WNR) {
                TransposedPanels.eightColumns(b, src, cs, depth, dst, base, w, F_WNR);
            } else if (rs == 1 && w % 4 == 0 && nr == F_NR) {
                TransposedPanels.fourColumns(b, src, cs, depth, dst, base, w, F_NR);
            } else if (rs == 1 && w % 4 == 0 && nr == F_WNR) {
                TransposedPanels.fourColumns(b, src, cs, depth, dst, base, w, F_WNR);
            } else {
                // B read transposed: walk each column along its contiguous depth.
                for (int j = 0; j < w; j++) {
                    for (int p = 0, s = src + j * cs, d = base + j; p < depth; p++, s += rs, d += nr) {
                        dst[d] = b[s];
                    }
                }
            }
        }
    }

    /** {@link #packA(float[], int, int, int, int, int, int, float[])} for float64. */
    static void packA(double[] a, int off, int rs, int cs, int rows, int depth, int mr, double[] dst) {
        for (int i0 = 0, base = 0; i0 < rows; i0 += mr, base += mr * depth) {
            int h = Math.min(mr, rows - i0);
            int src = off + i0 * rs;
            if (h < mr) {
                Arrays.fill(dst, base, base + mr * depth, 0d);
            } else if (mr == 4 && rs == 1) {
                for (int p = 0; p < depth; p++) {
                    DoubleVector.fromArray(D4, a, src + p * cs).intoArray(dst, base + p * 4);
                }
                continue;
            } else if (mr == 4 && cs == 1) {
                // Row-major A: four row streams indexed linearly in p, so the JIT hoists their bounds
                // checks (the strided loop below kept four per element: a sixth of a 64³ float64 product).
                int s1 = src + rs;
                int s2 = s1 + rs;
                int s3 = s2 + rs;
                for (int p = 0; p < depth; p++) {
                    int d = base + 4 * p;
                    dst[d] = a[src + p];
                    dst[d + 1] = a[s1 + p];
                    dst[d + 2] = a[s2 + p];
                    dst[d + 3] = a[s3 + p];
                }
                continue;
            } else if (mr == 4 && Math.abs(cs) <= Math.abs(rs)) {
                for (int p = 0, s = src, d = base; p < depth; p++, s += cs, d += 4) {
                    dst[d] = a[s];
                    dst[d + 1] = a[s + rs];
                    dst[d + 2] = a[s + 2 * rs];
                    dst[d + 3] = a[s + 3 * rs];
                }
                continue;
            }
            for (int p = 0; p < depth; p++) {
                for (int i = 0, s = src + p * cs, d = base + p * mr; i < h; i++, s += rs) {
                    dst[d + i] = a[s];
                }
            }
        }
    }

    /** {@link #packB(float[], int, int, int, int, int, int, float[])} for float64. */
    static void packB(double[] b, int off, int rs, int cs, int depth, int cols, int nr, double[] dst) {
        int j0 = 0;
        if (cs == 1 && nr % D.length() == 0) {
            // Row by row across all full panels: B's rows are read in order (panel by panel, each step
            // jumped a row ahead: a new cache line and, for wide B, a new page every time).
            int full = cols / nr * nr;
            int l = D.length();
            for (int p = 0; p < depth; p++) {
                for (int j = 0, s = off + p * rs, d = p * nr; j < full; j += nr, d += nr * depth) {
                    for (int v = 0; v < nr; v += l) {
                        DoubleVector.fromArray(D, b, s + j + v).intoArray(dst, d + v);
                    }
                }
            }
            j0 = full;
        }
        for (int base = j0 * depth; j0 < cols; j0 += nr, base += nr * depth) {
            int w = Math.min(nr, cols - j0);
            int src = off + j0 * cs;
            if (w < nr) {
                Arrays.fill(dst, base, base + nr * depth, 0d);
            } else if (cs == 1 && nr % D.length() == 0) {
                for (int p = 0; p < depth; p++) {
                    for (int j = 0; j < nr; j += D.length()) {
                        DoubleVector.fromArray(D, b, src + p * rs + j).intoArray(dst, base + p * nr + j);
                    }
                }
                continue;
            }
            if (Math.abs(cs) <= Math.abs(rs)) {
                for (int p = 0; p < depth; p++) {
                    for (int j = 0, s = src + p * rs, d = base + p * nr; j < w; j++, s += cs) {
                        dst[d + j] = b[s];
                    }
                }
            } else if (rs == 1 && w % 4 == 0 && nr == D_NR) {
                TransposedPanels.fourColumns(b, src, cs, depth, dst, base, w, D_NR);
            } else if (rs == 1 && w % 4 == 0 && nr == D_WNR) {
                TransposedPanels.fourColumns(b, src, cs, depth, dst, base, w, D_WNR);
            } else {
                for (int j = 0; j < w; j++) {
                    for (int p = 0, s = src + j * cs, d = base + j; p < depth; p++, s += rs, d += nr) {
                        dst[d] = b[s];
                    }
                }
            }
        }
    }

    /** C[i][j] (=|+=) tile[i·ldt + j] for i < h, j < w: the part of an edge tile that lies inside C. */
    static void copyOut(float[] tile, int ldt, float[] c, int ci, int ldc, boolean add, int h, int w) {
        for (int i = 0; i < h; i++) {
            for (int j = 0, at = ci + i * ldc, t = i * ldt; j < w; j++) {
                c[at + j] = add ? c[at + j] + tile[t + j] : tile[t + j];
            }
        }
    }

    /** {@link #copyOut(float[], int, float[], int, int, boolean, int, int)} for float64. */
    static void copyOut(double[] tile, int ldt, double[] c, int ci, int ldc, boolean add, int h, int w) {
        for (int i = 0; i < h; i++) {
            for (int j = 0, at = ci + i * ldc, t = i * ldt; j < w; j++) {
                c[at + j] = add ? c[at + j] + tile[t + j] : tile[t + j];
            }
        }
    }

    /** {@code dst[dOff + j·rows + i] = src[i·cols + j]}: the dense rows × cols matrix transposed. */
    static void transpose(float[] src, int rows, int cols, float[] dst, int dOff) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0, s = i * cols, d = dOff + i; j < cols; j++, s++, d += rows) {
                dst[d] = src[s];
            }
        }
    }

    /** {@link #transpose(float[], int, int, float[], int)} for float64. */
    static void transpose(double[] src, int rows, int cols, double[] dst, int dOff) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0, s = i * cols, d = dOff + i; j < cols; j++, s++, d += rows) {
                dst[d] = src[s];
            }
        }
    }
}
