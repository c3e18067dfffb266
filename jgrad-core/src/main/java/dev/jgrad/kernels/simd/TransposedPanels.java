package dev.jgrad.kernels.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import static dev.jgrad.kernels.simd.Packing.QUAD_HI;
import static dev.jgrad.kernels.simd.Packing.QUAD_LO;
import static dev.jgrad.kernels.simd.Packing.TRANSPOSE_8;

/**
 * {@link Packing#packB} for B read transposed — columns contiguous, as Wᵀ in the G·Wᵀ of every
 * linear layer's backward pass — into {@code nr}-column panels ({@code panel[p·nr + j]}). Called
 * with the panel widths as constants, so the JIT can hoist the bounds checks.
 */
final class TransposedPanels {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    // The 8 × 8 transpose of float32 B read transposed (Packing's QUAD_LO and QUAD_HI are its middle round).
    private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.fromValues(F8, 0, 8, 1, 9, 2, 10, 3, 11);
    private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.fromValues(F8, 4, 12, 5, 13, 6, 14, 7, 15);
    private static final VectorShuffle<Float> HALF_LO = VectorShuffle.fromValues(F8, 0, 1, 2, 3, 8, 9, 10, 11);
    private static final VectorShuffle<Float> HALF_HI = VectorShuffle.fromValues(F8, 4, 5, 6, 7, 12, 13, 14, 15);
    // The 4 × 4 transpose of float64 B read transposed.
    private static final VectorShuffle<Double> D_ZIP_LO = VectorShuffle.fromValues(D4, 0, 4, 1, 5);
    private static final VectorShuffle<Double> D_ZIP_HI = VectorShuffle.fromValues(D4, 2, 6, 3, 7);
    private static final VectorShuffle<Double> D_HALF_LO = VectorShuffle.fromValues(D4, 0, 1, 4, 5);
    private static final VectorShuffle<Double> D_HALF_HI = VectorShuffle.fromValues(D4, 2, 3, 6, 7);

    private TransposedPanels() {
    }

    /**
     * B read transposed (Wᵀ in G·Wᵀ) into an {@code nr}-column panel: four columns at a time, each
     * read along its contiguous depth and indexed linearly in p, so the bounds checks leave the loop
     * (called with the panel widths as constants). The fallback of {@link #eightColumns} (a width
     * not a multiple of eight, or no 256-bit vectors).
     */
    static void fourColumns(float[] b, int src, int cs, int depth, float[] dst, int base, int w, int nr) {
        for (int j = 0; j < w; j += 4) {
            int s0 = src + j * cs;
            int s1 = s0 + cs;
            int s2 = s1 + cs;
            int s3 = s2 + cs;
            for (int p = 0; p < depth; p++) {
                int d = base + p * nr + j;
                dst[d] = b[s0 + p];
                dst[d + 1] = b[s1 + p];
                dst[d + 2] = b[s2 + p];
                dst[d + 3] = b[s3 + p];
            }
        }
    }

    /**
     * B read transposed into an {@code nr}-column panel, eight columns by eight depth steps at a
     * time: eight column runs loaded as vectors, transposed 8 × 8 in registers (three rounds of
     * two-vector shuffles) and stored as eight panel rows; the depth tail takes scalar streams.
     * Wᵀ of 256 × 256 floats packed in ~7 µs instead of ~30 four columns at a time (one Zen 5
     * core, harness; with 256-bit vectors only, {@code -XX:UseAVX=2}, ~9 instead of ~26), as fast as
     * B stored row-major; the MLP benchmark's backward pass ~5 % faster.
     */
    static void eightColumns(float[] b, int src, int cs, int depth, float[] dst, int base, int w, int nr) {
        int whole = depth & ~7;
        for (int j = 0; j < w; j += 8) {
            int s0 = src + j * cs;
            int s1 = s0 + cs;
            int s2 = s1 + cs;
            int s3 = s2 + cs;
            int s4 = s3 + cs;
            int s5 = s4 + cs;
            int s6 = s5 + cs;
            int s7 = s6 + cs;
            for (int p = 0; p < whole; p += 8) {
                FloatVector r0 = FloatVector.fromArray(F8, b, s0 + p);
                FloatVector r1 = FloatVector.fromArray(F8, b, s1 + p);
                FloatVector r2 = FloatVector.fromArray(F8, b, s2 + p);
                FloatVector r3 = FloatVector.fromArray(F8, b, s3 + p);
                FloatVector r4 = FloatVector.fromArray(F8, b, s4 + p);
                FloatVector r5 = FloatVector.fromArray(F8, b, s5 + p);
                FloatVector r6 = FloatVector.fromArray(F8, b, s6 + p);
                FloatVector r7 = FloatVector.fromArray(F8, b, s7 + p);
                // Columns 0,1 (2,3; 4,5; 6,7) interleaved: depth steps 0–3 (ZIP_LO) and 4–7 (ZIP_HI).
                FloatVector a0 = r0.rearrange(ZIP_LO, r1);
                FloatVector a1 = r0.rearrange(ZIP_HI, r1);
                FloatVector b0 = r2.rearrange(ZIP_LO, r3);
                FloatVector b1 = r2.rearrange(ZIP_HI, r3);
                FloatVector c0 = r4.rearrange(ZIP_LO, r5);
                FloatVector c1 = r4.rearrange(ZIP_HI, r5);
                FloatVector d0 = r6.rearrange(ZIP_LO, r7);
                FloatVector d1 = r6.rearrange(ZIP_HI, r7);
                // Columns 0–3 (4–7) of two depth steps each: steps 0,1 / 2,3 / 4,5 / 6,7.
                FloatVector e0 = a0.rearrange(QUAD_LO, b0);
                FloatVector e1 = a0.rearrange(QUAD_HI, b0);
                FloatVector e2 = a1.rearrange(QUAD_LO, b1);
                FloatVector e3 = a1.rearrange(QUAD_HI, b1);
                FloatVector f0 = c0.rearrange(QUAD_LO, d0);
                FloatVector f1 = c0.rearrange(QUAD_HI, d0);
                FloatVector f2 = c1.rearrange(QUAD_LO, d1);
                FloatVector f3 = c1.rearrange(QUAD_HI, d1);
                int d = base + p * nr + j;
                e0.rearrange(HALF_LO, f0).intoArray(dst, d);
                e0.rearrange(HALF_HI, f0).intoArray(dst, d + nr);
                e1.rearrange(HALF_LO, f1).intoArray(dst, d + 2 * nr);
                e1.rearrange(HALF_HI, f1).intoArray(dst, d + 3 * nr);
                e2.rearrange(HALF_LO, f2).intoArray(dst, d + 4 * nr);
                e2.rearrange(HALF_HI, f2).intoArray(dst, d + 5 * nr);
                e3.rearrange(HALF_LO, f3).intoArray(dst, d + 6 * nr);
                e3.rearrange(HALF_HI, f3).intoArray(dst, d + 7 * nr);
            }
            for (int p = whole; p < depth; p++) {
                int d = base + p * nr + j;
                dst[d] = b[s0 + p];
                dst[d + 1] = b[s1 + p];
                dst[d + 2] = b[s2 + p];
                dst[d + 3] = b[s3 + p];
                dst[d + 4] = b[s4 + p];
                dst[d + 5] = b[s5 + p];
                dst[d + 6] = b[s6 + p];
                dst[d + 7] = b[s7 + p];
            }
        }
    }

    /**
     * B read transposed (Wᵀ in G·Wᵀ) into an {@code nr}-column panel: four columns at a time, each
     * read along its contiguous depth and indexed linearly in p, so the bounds checks leave the loop
     * (called with the panel widths as constants). Where 256-bit vectors are native, four depth
     * steps at a time are transposed 4 × 4 in registers: 256 × 256 doubles packed in ~13–17 µs
     * instead of ~25–31 (one Zen 5 core, harness).
     */
    static void fourColumns(double[] b, int src, int cs, int depth, double[] dst, int base, int w, int nr) {
        int whole = TRANSPOSE_8 ? depth & ~3 : 0;
        for (int j = 0; j < w; j += 4) {
            int s0 = src + j * cs;
            int s1 = s0 + cs;
            int s2 = s1 + cs;
            int s3 = s2 + cs;
            // Four column runs of four depth steps, transposed by two rounds of two-vector shuffles.
            for (int p = 0; p < whole; p += 4) {
                DoubleVector r0 = DoubleVector.fromArray(D4, b, s0 + p);
                DoubleVector r1 = DoubleVector.fromArray(D4, b, s1 + p);
                DoubleVector r2 = DoubleVector.fromArray(D4, b, s2 + p);
                DoubleVector r3 = DoubleVector.fromArray(D4, b, s3 + p);
                DoubleVector a0 = r0.rearrange(D_ZIP_LO, r1);
                DoubleVector a1 = r0.rearrange(D_ZIP_HI, r1);
                DoubleVector b0 = r2.rearrange(D_ZIP_LO, r3);
                DoubleVector b1 = r2.rearrange(D_ZIP_HI, r3);
                int d = base + p * nr + j;
                a0.rearrange(D_HALF_LO, b0).intoArray(dst, d);
                a0.rearrange(D_HALF_HI, b0).intoArray(dst, d + nr);
                a1.rearrange(D_HALF_LO, b1).intoArray(dst, d + 2 * nr);
                a1.rearrange(D_HALF_HI, b1).intoArray(dst, d + 3 * nr);
            }
            for (int p = whole; p < depth; p++) {
                int d = base + p * nr + j;
                dst[d] = b[s0 + p];
                dst[d + 1] = b[s1 + p];
                dst[d + 2] = b[s2 + p];
                dst[d + 3] = b[s3 + p];
            }
        }
    }
}
