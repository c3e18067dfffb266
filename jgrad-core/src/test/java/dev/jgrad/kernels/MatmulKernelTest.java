package dev.jgrad.kernels;

import dev.jgrad.DType;
import dev.jgrad.kernels.simd.SimdMatmul;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link SimdMatmul} against a naive triple loop in double: every element within
 * {@code 2·k·eps·Σ|a·b|} (float32 accumulates in float, as sgemm does), C overwritten and nothing
 * written outside it. Sizes straddle the micro-tile, vector and cache-block edges; operands are
 * read plain, transposed, step-2 strided and with broadcast (stride 0) rows.
 */
class MatmulKernelTest {
    private static final int[] SIZES = {0, 1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 31, 64, 65, 127, 200};
    private static final DType[] DTYPES = {DType.FLOAT64, DType.FLOAT32};
    private static final double SENTINEL = -777;

    /** How an operand is laid out in its storage. */
    enum Form { PLAIN, TRANSPOSED, STRIDED, BROADCAST_ROWS }

    /** An operand: element (i, j) at {@code off + i·rs + j·cs}. */
    record Matrix(Storage s, int off, int rs, int cs) {
        double at(int i, int j) {
            return s.get(off + i * rs + j * cs);
        }
    }

    private static Matrix matrix(Form form, int rows, int cols, DType dt, Random rnd) {
        int off = rnd.nextInt(4);
        int[] strides = switch (form) {
            case PLAIN -> new int[] {cols, 1};
            case TRANSPOSED -> new int[] {1, rows};
            case STRIDED -> new int[] {2 * cols + 3, 2};
            case BROADCAST_ROWS -> new int[] {0, 1};
        };
        int last = rows == 0 || cols == 0 ? off : off + (rows - 1) * strides[0] + (cols - 1) * strides[1];
        Storage s = Storage.allocate(dt, last + 3);
        for (int i = 0; i < s.length(); i++) {
            s.set(i, 2 * rnd.nextDouble() - 1);
        }
        return new Matrix(s, off, strides[0], strides[1]);
    }

    private static Storage sentinel(DType dt, int n) {
        Storage s = Storage.allocate(dt, n);
        for (int i = 0; i < n; i++) {
            s.set(i, SENTINEL);
        }
        return s;
    }

    private static void multiply(Matrix a, Matrix b, Storage c, int cOff, int m, int k, int n) {
        SimdMatmul.matmul(a.s(), a.off(), a.rs(), a.cs(), b.s(), b.off(), b.rs(), b.cs(), c, cOff, m, k, n);
    }

    /** Checks C (dense at cOff) against the double triple loop; float32 tolerance uses float's epsilon. */
    private static void check(String what, Matrix a, Matrix b, Storage c, int cOff, int m, int k, int n) {
        double eps = c.dtype() == DType.FLOAT32 ? 0x1p-24 : 0x1p-53;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double scale = 0;
                for (int p = 0; p < k; p++) {
                    double t = a.at(i, p) * b.at(p, j);
                    sum += t;
                    scale += Math.abs(t);
                }
                double got = c.get(cOff + i * n + j);
                double tol = 2 * (k + 1) * eps * scale;
                if (!(Math.abs(got - sum) <= tol)) {
                    fail(what + " at (" + i + ", " + j + "): expected " + sum + " ± " + tol + ", got " + got);
                }
            }
        }
    }

    private static void checkUntouched(String what, Storage c, int from, int to) {
        for (int p = from; p < to; p++) {
            if (c.get(p) != SENTINEL) {
                fail(what + ": wrote outside C at " + p);
            }
        }
    }

    /** Multiplies and checks one case: C surrounded by sentinels at an offset, so stray writes show. */
    private static void runCase(DType dt, Form fa, Form fb, int m, int k, int n, Random rnd) {
        Matrix a = matrix(fa, m, k, dt, rnd);
        Matrix b = matrix(fb, k, n, dt, rnd);
        int cOff = 1 + rnd.nextInt(3);
        Storage c = sentinel(dt, cOff + m * n + 2);
        multiply(a, b, c, cOff, m, k, n);
        String what = dt + " " + fa + "·" + fb + " m=" + m + " k=" + k + " n=" + n;
        check(what, a, b, c, cOff, m, k, n);
        checkUntouched(what, c, 0, cOff);
        checkUntouched(what, c, cOff + m * n, c.length());
    }

    /** All triples with an edge size (0, 1, 2) in some position, plus a seeded sample of the rest. */
    private static List<int[]> triples(Random rnd) {
        List<int[]> out = new ArrayList<>();
        for (int m : SIZES) {
            for (int k : SIZES) {
                for (int n : SIZES) {
                    boolean edge = (m <= 2 || k <= 2 || n <= 2) && m * k * n <= 200 * 17 * 17;
                    if (edge ? rnd.nextInt(4) == 0 : rnd.nextInt(40) == 0) {
                        out.add(new int[] {m, k, n});
                    }
                }
            }
        }
        return out;
    }

    @Test
    void plainAndTransposedOperandsOfAwkwardSizesMatchTheTripleLoop() {
        Random rnd = new Random(4);
        List<int[]> triples = triples(rnd);
        assertTrue(triples.size() > 100, "sample size " + triples.size());
        for (DType dt : DTYPES) {
            for (int[] t : triples) {
                for (Form fa : new Form[] {Form.PLAIN, Form.TRANSPOSED}) {
                    for (Form fb : new Form[] {Form.PLAIN, Form.TRANSPOSED}) {
                        runCase(dt, fa, fb, t[0], t[1], t[2], rnd);
                    }
                }
            }
        }
    }

    @Test
    void stridedAndBroadcastOperandsMatchTheTripleLoop() {
        Random rnd = new Random(5);
        int[][] triples = {{3, 5, 7}, {17, 31, 13}, {65, 64, 17}, {4, 200, 33}, {31, 17, 65}};
        for (DType dt : DTYPES) {
            for (int[] t : triples) {
                for (Form fa : Form.values()) {
                    for (Form fb : Form.values()) {
                        runCase(dt, fa, fb, t[0], t[1], t[2], rnd);
                    }
                }
            }
        }
    }

    /** Big enough to cross every cache block (k > kc, m > mc, n > nc) and to be split across threads. */
    @Test
    void largeProductsAcrossBlocksAndThreadsMatchTheTripleLoop() {
        Random rnd = new Random(6);
        for (DType dt : DTYPES) {
            runCase(dt, Form.PLAIN, Form.PLAIN, 300, 500, 270, rnd);
            runCase(dt, Form.TRANSPOSED, Form.PLAIN, 270, 300, 130, rnd);
            runCase(dt, Form.PLAIN, Form.TRANSPOSED, 130, 520, 301, rnd);
            runCase(dt, Form.TRANSPOSED, Form.TRANSPOSED, 37, 260, 300, rnd);
            runCase(dt, Form.PLAIN, Form.PLAIN, 9, 7, 3100, rnd); // wider than one B panel
            // Deeper than the 1024-deep blocks of cores with a large L2, and wider than their 768 / 512 columns.
            runCase(dt, Form.PLAIN, Form.PLAIN, 37, 1100, 800, rnd);
            runCase(dt, Form.TRANSPOSED, Form.TRANSPOSED, 21, 1030, 70, rnd);
        }
    }

    /**
     * Edges of the packed product's blocking: depths around the 8-step transposes that pack
     * row-major A and transposed B (k = 1, 7, 8, 9, 13, 17; float64 B: 4 steps), panel widths that
     * are and are not a multiple of eight columns, rows not a multiple of the 4-row tile, and C wider than
     * the strip of B swept at a time (192 float32 or 96 float64 columns at k = 256), ending mid-tile.
     */
    @Test
    void blockEdgesOfThePackedProductMatchTheTripleLoop() {
        Random rnd = new Random(8);
        int[][] triples = {{13, 1, 40}, {6, 7, 33}, {9, 8, 35}, {11, 9, 47}, {5, 13, 64}, {21, 17, 50},
            {13, 256, 401}, {7, 256, 200}, {18, 255, 193}, {33, 300, 215}, {4, 264, 97}};
        for (DType dt : DTYPES) {
            for (int[] t : triples) {
                for (Form fa : new Form[] {Form.PLAIN, Form.TRANSPOSED, Form.STRIDED}) {
                    for (Form fb : new Form[] {Form.PLAIN, Form.TRANSPOSED}) {
                        runCase(dt, fa, fb, t[0], t[1], t[2], rnd);
                    }
                }
            }
        }
    }

    /**
     * Thin products (matrix·vector, vector·matrix, narrow n below two vectors) take the unpacked
     * dot-product, row-update and four-rows-at-a-time paths: every operand layout, depths around the
     * vector length and around the depth where short dot products give way, widths of whole and
     * half vectors (4 to 24 columns) with row counts that leave 1–3 rows after the blocks of four.
     */
    @Test
    void vectorAndNarrowProductsMatchTheTripleLoopInEveryLayout() {
        Random rnd = new Random(11);
        int[] depths = {0, 1, 3, 8, 17, 33, 63, 64, 100};
        int[][] mn = {{1, 1}, {1, 2}, {1, 37}, {2, 1}, {37, 1}, {300, 1}, {1, 300}, {5, 2}, {4, 7}, {37, 9}, {9, 15}, {64, 10}, {3, 16},
                {5, 16}, {7, 8}, {37, 24}, {6, 4}, {13, 12}, {16, 16}};
        for (DType dt : DTYPES) {
            for (int k : depths) {
                for (int[] t : mn) {
                    for (Form fa : Form.values()) {
                        for (Form fb : Form.values()) {
                            runCase(dt, fa, fb, t[0], k, t[1], rnd);
                        }
                    }
                }
            }
        }
    }

    /**
     * Products small enough to run unpacked (C a whole number of 4-vector panels wide) yet big
     * enough to be split across threads, where the threads take row pieces in turn: row counts that
     * end mid-piece and mid-tile, and a C at an offset.
     */
    @Test
    void unpackedProductsSplitInRowPiecesMatchTheTripleLoop() {
        Random rnd = new Random(13);
        int[][] triples = {{64, 64, 64}, {70, 64, 64}, {72, 64, 64}, {129, 40, 128}, {61, 100, 64}, {200, 33, 192}};
        for (DType dt : DTYPES) {
            for (int[] t : triples) {
                for (Form fb : new Form[] {Form.PLAIN, Form.TRANSPOSED}) {
                    runCase(dt, Form.PLAIN, fb, t[0], t[1], t[2], rnd);
                }
            }
        }
    }

    /** Thin products big enough to be split across threads, with the vector read plain or strided. */
    @Test
    void largeVectorAndNarrowProductsAcrossThreadsMatchTheTripleLoop() {
        Random rnd = new Random(12);
        for (DType dt : DTYPES) {
            for (Form f : new Form[] {Form.PLAIN, Form.TRANSPOSED, Form.STRIDED}) {
                runCase(dt, f, Form.STRIDED, 2100, 1030, 1, rnd);
                runCase(dt, Form.STRIDED, f, 1, 1030, 2100, rnd);
                runCase(dt, f, f, 300, 700, 11, rnd);
                runCase(dt, f, Form.PLAIN, 301, 700, 16, rnd);
                runCase(dt, f, Form.PLAIN, 1203, 40, 24, rnd);
            }
        }
    }

    @Test
    void emptyDepthWritesZerosAndEmptyResultWritesNothing() {
        Random rnd = new Random(7);
        for (DType dt : DTYPES) {
            runCase(dt, Form.PLAIN, Form.PLAIN, 5, 0, 9, rnd);
            runCase(dt, Form.PLAIN, Form.PLAIN, 300, 0, 300, rnd);
            runCase(dt, Form.PLAIN, Form.PLAIN, 0, 300, 300, rnd);
            runCase(dt, Form.PLAIN, Form.PLAIN, 300, 300, 0, rnd);
        }
    }

    @Test
    void mixedDtypesFallBackToTheScalarReference() {
        Random rnd = new Random(8);
        for (int size : new int[] {3, 70}) {
            Matrix a = matrix(Form.PLAIN, size, size + 1, DType.FLOAT32, rnd);
            Matrix b = matrix(Form.TRANSPOSED, size + 1, size, DType.FLOAT64, rnd);
            Storage c = sentinel(DType.FLOAT64, size * size);
            multiply(a, b, c, 0, size, size + 1, size);
            check("f32·f64 size " + size, a, b, c, 0, size, size + 1, size);
        }
    }

    /**
     * The batched entry point: each batch equals its own product, for few big batches (split inside
     * each product), many small ones (split across batches) and a shared, broadcast operand.
     */
    @Test
    void batchedProductsMatchOneProductPerBatch() {
        Random rnd = new Random(9);
        int[][] shapes = {{2, 3, 4, 5}, {40, 7, 9, 5}, {3, 150, 130, 140}, {1, 200, 100, 90}, {64, 16, 16, 16}};
        for (DType dt : DTYPES) {
            for (int[] s : shapes) {
                for (boolean shareB : new boolean[] {false, true}) {
                    batched(dt, s[0], s[1], s[2], s[3], shareB, rnd);
                }
            }
        }
    }

    private static void batched(DType dt, int batches, int m, int k, int n, boolean shareB, Random rnd) {
        Matrix a = matrix(Form.PLAIN, batches * m, k, dt, rnd);
        Matrix b = matrix(Form.TRANSPOSED, k, (shareB ? 1 : batches) * n, dt, rnd);
        int[] aOffs = new int[batches];
        int[] bOffs = new int[batches];
        int[] cOffs = new int[batches];
        int cOff = 2;
        for (int i = 0; i < batches; i++) {
            aOffs[i] = a.off() + i * m * a.rs();
            bOffs[i] = b.off() + (shareB ? 0 : i * n * b.cs());
            // Batches in reverse order in C, so a batch written to its neighbour's place shows.
            cOffs[i] = cOff + (batches - 1 - i) * m * n;
        }
        Storage c = sentinel(dt, cOff + batches * m * n + 2);
        SimdMatmul.matmulBatched(a.s(), aOffs, a.rs(), a.cs(), b.s(), bOffs, b.rs(), b.cs(), c, cOffs, m, k, n);
        String what = dt + " batched " + batches + "×[" + m + "," + k + "]·[" + k + "," + n + "]" + (shareB ? " shared B" : "");
        for (int i = 0; i < batches; i++) {
            check(what + " batch " + i, new Matrix(a.s(), aOffs[i], a.rs(), a.cs()),
                    new Matrix(b.s(), bOffs[i], b.rs(), b.cs()), c, cOffs[i], m, k, n);
        }
        checkUntouched(what, c, 0, cOff);
        checkUntouched(what, c, cOff + batches * m * n, c.length());
    }

    /** The interface's default batched loop (what the scalar kernels run): each batch lands at its own offset. */
    @Test
    void defaultBatchedLoopCallsMatmulPerBatch() {
        Random rnd = new Random(10);
        Matrix a = matrix(Form.PLAIN, 6, 5, DType.FLOAT64, rnd);
        Matrix b = matrix(Form.PLAIN, 5, 4, DType.FLOAT64, rnd);
        Storage c = sentinel(DType.FLOAT64, 2 * 3 * 4);
        new ScalarKernels().matmulBatched(a.s(), new int[] {a.off(), a.off() + 15}, 5, 1, b.s(), new int[] {b.off(), b.off()},
                4, 1, c, new int[] {12, 0}, 3, 5, 4);
        check("default batched 0", a, b, c, 12, 3, 5, 4);
        check("default batched 1", new Matrix(a.s(), a.off() + 15, 5, 1), b, c, 0, 3, 5, 4);
    }
}
