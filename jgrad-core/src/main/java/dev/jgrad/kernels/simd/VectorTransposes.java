package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.Transposes;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Transposes}' tiles in vectors: a square tile of one vector's length reads each of its
 * source lines once, whole, as one vector into a small scratch tile, and writes each output row
 * from it — the scalar tiles read a source line a float at a time, once per output row, and with a
 * power-of-two row length those lines evict each other from L1. 1024 × 1024 float32 on one thread
 * (harness, warm output): ~1.0 ms scalar tiles, ~0.6 ms these; {@code x.transpose(0, 1).contiguous()}
 * on two threads ~0.72 → ~0.57 ms (float64 ~1.34 → ~1.2 ms), the rest being the new array. Measured
 * and not kept: a full in-register transpose (two-vector selectFrom, four stages) ~0.48 ms on one
 * thread, for a generated body per vector length; tiles ordered by column blocks, or output rows
 * gathered into wider rows first, no faster. What is left is the power-of-two row length itself
 * (1008 × 1008 takes half the time of 1024 × 1024: the lines of a tile share cache sets). The rows
 * and columns left over past whole tiles go through the scalar tiles. Exact, as any copy.
 */
final class VectorTransposes implements Transposes.Tiles {
    static final VectorTransposes INSTANCE = new VectorTransposes();
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int LF = F.length();
    private static final int LD = D.length();

    private VectorTransposes() {
    }

    @Override
    public int rows() {
        return LF;
    }

    @Override
    public void rows(float[] s, int sb, int sc, float[] o, int ob, int cols, int r0, int r1) {
        float[] b = new float[LF * LF];
        int r = r0;
        for (; r + LF <= r1; r += LF) {
            int c0 = 0;
            for (; c0 + LF <= cols; c0 += LF) {
                for (int c = 0; c < LF; c++) {
                    FloatVector.fromArray(F, s, sb + r + (c0 + c) * sc).intoArray(b, c * LF);
                }
                for (int i = 0; i < LF; i++) {
                    int op = ob + (r + i) * cols + c0;
                    for (int c = 0; c < LF; c++) {
                        o[op + c] = b[c * LF + i];
                    }
                }
            }
            Transposes.tile(s, sb, sc, o, ob, cols, r, r + LF, c0);
        }
        if (r < r1) {
            Transposes.tile(s, sb, sc, o, ob, cols, r, r1, 0);
        }
    }

    @Override
    public void rows(double[] s, int sb, int sc, double[] o, int ob, int cols, int r0, int r1) {
        double[] b = new double[LD * LD];
        int r = r0;
        for (; r + LD <= r1; r += LD) {
            int c0 = 0;
            for (; c0 + LD <= cols; c0 += LD) {
                for (int c = 0; c < LD; c++) {
                    DoubleVector.fromArray(D, s, sb + r + (c0 + c) * sc).intoArray(b, c * LD);
                }
                for (int i = 0; i < LD; i++) {
                    int op = ob + (r + i) * cols + c0;
                    for (int c = 0; c < LD; c++) {
                        o[op + c] = b[c * LD + i];
                    }
                }
            }
            Transposes.tile(s, sb, sc, o, ob, cols, r, r + LD, c0);
        }
        if (r < r1) {
            Transposes.tile(s, sb, sc, o, ob, cols, r, r1, 0);
        }
    }
}
