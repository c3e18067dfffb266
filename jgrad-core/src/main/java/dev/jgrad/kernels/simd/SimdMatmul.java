package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.kernels.ScalarKernels;
import dev.jgrad.tensor.Storage;

import java.util.Arrays;

/**
 * Matrix multiply on {@code jdk.incubator.vector}: a direct vector loop for small products, the
 * packed, cache-blocked, register-tiled GEMM ({@link GemmF32}, {@link GemmF64}) otherwise, split
 * across jgrad's pool ({@link Parallel}) by rows or columns of C (whichever leaves the cheaper
 * operand for every thread to pack in full) when the product is big enough to pay for the hand-off. Same contract as {@link Kernels#matmul}; operands whose
 * dtype differs from C's go to the scalar reference.
 */
public final class SimdMatmul {
    /**
     * Below this many multiply-adds (m·k·n) the direct loop ({@link SmallMatmul}) beats packing
     * whatever the shape (8³ does). Narrow products reach it through {@link #SHORT_DOTS}'s rule
     * (16³ does on AVX-512); 32³ float32 ran ~1.0 µs packed against ~1.4 on the direct loop.
     */
    static final long SMALL_WORK = 2048;
    /**
     * From this many multiply-adds on, one product is split across threads (measurements at
     * {@link Parallel#MATMUL_PARALLEL_WORK}). Once 64³ gained from a split (float32 ~35 → ~45-55
     * GFLOP/s, float64 ~20 → ~25-30, when the workers began to poll between ops; 128³ with parked
     * workers); the faster kernels of now keep 64³ on one thread.
     */
    static final long PARALLEL_WORK = Parallel.MATMUL_PARALLEL_WORK;
    /**
     * From this many multiply-adds on, matrix·vector is split across threads: it is bound by memory
     * bandwidth, so two cores' caches pay off sooner (512² f64 went from ~9 to ~15–20 GFLOP/s).
     */
    static final long GEMV_PARALLEL_WORK = 1L << 17;
    /**
     * Below this many columns of C a 4 × 2-vector tile is mostly padding: the product runs as dot
     * products or row by row ({@link #SHORT_DOTS}) when A's rows are contiguous, transposed
     * (Cᵀ = Bᵀ·Aᵀ) when its columns are.
     */
    static final int NARROW_F32 = 2 * GemmF32.L;
    /**
     * Narrow products whose C is a whole number of vectors wide go to {@link SmallMatmul} (float32
     * 16×16·16×16 on AVX-512: ~0.7 → ~0.2 µs, 128×256·256×16 ~25 → ~15 µs); below this depth also
     * those with a half vector more (24×24·24×24 float32 ~4–7.5 → ~1.0 µs, 16×16·16×8 ~0.5–1.2 →
     * ~0.3 µs), whose dot products would be too short to pay for their reductions. Columns beyond
     * the vectors would be single FMA chains there (128×63·63×10: ~22 µs, against ~15 as dot
     * products), so those products keep the dot products.
     */
    static final int SHORT_DOTS = 64;
    /** Doubles' tiles are only 8 wide: 8–15 columns too (128×256·256×10 ran ~7 % faster than as 8 + 2 padded). */
    static final int NARROW_F64 = 4 * GemmF64.L;

    /**
     * B of at most this many bytes: no packing ({@link #direct}). At 256 KB (float32 n = 256) one
     * run measured ~114 GFLOP/s into a reused C but ~76 into a new one, against ~98 packed.
     */
    static final long DIRECT_B_BYTES = 128 * 1024;

    /** Whether a product for the 4 × 4-vector tile runs without packing ({@link DirectGemm}): A row-major and B small. */
    static boolean direct(int acs, int k, int n, int elementBytes) {
        return acs == 1 && (long) k * n * elementBytes <= DIRECT_B_BYTES;
    }

    /**
     * Whether a core has at least 1 MiB of L2 ({@link CacheSizes}): then the depth blocks are 1024
     * deep instead of 256, so a product with k ≤ 1024 writes each tile of C once instead of adding
     * into it after every 256 steps. Measured on a Zen 5 core (1 MiB L2, full-width AVX-512; one
     * thread, alternating JVMs): float32 n = 1024 ~225–229 → ~242–246 GFLOP/s, n = 2048 ~220–232 →
     * ~232–239, 128×784·784×256 (the MLP's first layer) ~207–211 → ~217–226 (two threads ~350–379 →
     * ~375–398); float64 n = 1024 / 2048 ~107–111 → ~113–115; the AVX2 tiles (same core, 256-bit
     * vectors) unchanged. In full benchmark runs float32 1024³ on one thread stood at 0.93× and
     * 0.97× OpenBLAS's speed after, 0.91× before (within the runs' spread). Not measured on the Zen 4
     * machine of the earlier runs (also 1 MiB of L2). The A block then takes 576 KB (float32) or
     * 768 KB (float64) beside one B micro-panel of 256 KB, more than a 512 KiB L2 holds: such cores
     * (and unknown ones) keep the 256-deep blocks, as measured before. On a Zen 5 guest whose sysfs
     * has no cache directory (L2 then read from /proc/cpuinfo), JMH with alternating jars: float32
     * n = 1024 one thread 165–168 → 170–178 GFLOP/s, two threads 304–317 → 309–321; float64 n = 1024
     * 78–84 either way; MLP step ~985 → ~860–920 µs, its forward ~330 → ~350 µs.
     */
    private static final boolean DEEP_BLOCKS = CacheSizes.L2_BYTES >= 1L << 20;
    // Block sizes (elements): with 256-deep blocks a micro-panel pair fits L1 (B: 256×16 floats or
    // 256×8 doubles = 16 KB); other mc/kc/nc nearby measured within noise. Each thread keeps its
    // packing buffers (at most kc×nc: 3 MB float, 4 MB double) for reuse.
    private static final int F32_MC = 144;
    private static final int F32_KC = DEEP_BLOCKS ? 1024 : 256;
    private static final int F32_NC = DEEP_BLOCKS ? 768 : 3072;
    private static final int F64_MC = 96;
    private static final int F64_KC = DEEP_BLOCKS ? 1024 : 256;
    private static final int F64_NC = DEEP_BLOCKS ? 512 : 2048;
    private static final ThreadLocal<GemmF32> F32 = ThreadLocal.withInitial(() -> new GemmF32(F32_MC, F32_KC, F32_NC, false));
    private static final ThreadLocal<GemmF64> F64 = ThreadLocal.withInitial(() -> new GemmF64(F64_MC, F64_KC, F64_NC, false));
    private static final ThreadLocal<GemmF32> F32W = ThreadLocal.withInitial(() -> new GemmF32(F32_MC, F32_KC, F32_NC, true));
    private static final ThreadLocal<GemmF64> F64W = ThreadLocal.withInitial(() -> new GemmF64(F64_MC, F64_KC, F64_NC, true));
    private static final Kernels SCALAR = new ScalarKernels();

    private SimdMatmul() {
    }

    /**
     * {@code C = A·B}: A is m×k read at {@code aOff + i·aRowStride + p·aColStride}, B is k×n read
     * likewise, C is written dense row-major at {@code cOff} (overwritten, k = 0 gives zeros).
     */
    public static void matmul(Storage a, int aOff, int aRowStride, int aColStride,
                              Storage b, int bOff, int bRowStride, int bColStride,
                              Storage c, int cOff, int m, int k, int n) {
        matmul(a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, m, k, n, true);
    }

    /**
     * {@code C[i] = A[i]·B[i]} for every batch {@code i}, the operands at {@code aOffs[i]},
     * {@code bOffs[i]} (shared strides) and C at {@code cOffs[i]}: see {@link Kernels#matmulBatched}.
     * Several batches are split across threads batch-wise; a few big ones are each split inside.
     */
    public static void matmulBatched(Storage a, int[] aOffs, int aRowStride, int aColStride,
                                     Storage b, int[] bOffs, int bRowStride, int bColStride,
                                     Storage c, int[] cOffs, int m, int k, int n) {
        int batches = cOffs.length;
        long work = (long) m * k * n;
        int threads = Parallel.threads();
        if (batches == 1 || threads == 1 || (batches < 2 * threads && work >= PARALLEL_WORK)) {
            for (int i = 0; i < batches; i++) {
                matmul(a, aOffs[i], aRowStride, aColStride, b, bOffs[i], bRowStride, bColStride, c, cOffs[i], m, k, n, true);
            }
            return;
        }
        // Batches per chunk so that a chunk is worth a hand-off.
        int minChunk = (int) Math.max(1, Math.min(batches, PARALLEL_WORK / Math.max(1, work)));
        Parallel.forRange(batches, minChunk, (from, to) -> {
            for (int i = from; i < to; i++) {
                matmul(a, aOffs[i], aRowStride, aColStride, b, bOffs[i], bRowStride, bColStride, c, cOffs[i], m, k, n, false);
            }
        });
    }

    private static void matmul(Storage a, int aOff, int ars, int acs, Storage b, int bOff, int brs, int bcs,
                               Storage c, int cOff, int m, int k, int n, boolean split) {
        if (m == 0 || n == 0) {
            return;
        }
        if (c instanceof Storage.F32(float[] cf, _) && a instanceof Storage.F32(float[] af, _)
                && b instanceof Storage.F32(float[] bf, _)) {
            if (k == 0) {
                Arrays.fill(cf, cOff, cOff + m * n, 0f);
            } else {
                f32(af, aOff, ars, acs, bf, bOff, brs, bcs, cf, cOff, m, k, n, split);
            }
        } else if (c instanceof Storage.F64(double[] cd, _) && a instanceof Storage.F64(double[] ad, _)
                && b instanceof Storage.F64(double[] bd, _)) {
            if (k == 0) {
                Arrays.fill(cd, cOff, cOff + m * n, 0d);
            } else {
                f64(ad, aOff, ars, acs, bd, bOff, brs, bcs, cd, cOff, m, k, n, split);
            }
        } else {
            SCALAR.matmul(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, m, k, n);
        }
    }

    private static void f32(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                            float[] c, int cOff, int m, int k, int n, boolean split) {
        long work = (long) m * k * n;
        if (work < SMALL_WORK) {
            SmallMatmul.multiply(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, n, m, k, n);
            return;
        }
        if (thinF32(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, m, k, n, split)) {
            return;
        }
        if (GemmF32.WIDE && n % GemmF32.WIDE_NR == 0) {
            // 512-bit vectors, C a whole number of 4-vector panels wide: the 4 × 4-vector tile,
            // straight from A and B when B is row-major and they are small enough, else packed (B
            // read transposed too, as in g·Wᵀ).
            if (bcs == 1 && direct(acs, k, n, Float.BYTES)) {
                MatmulSplits.splitC(m, n, GemmF32.MR, GemmF32.WIDE_NR, split && work >= PARALLEL_WORK, MatmulSplits.rowsShareB(m, n, k, ars, acs, brs, 1), true,
                        (i0, rows, j0, cols) -> DirectGemm.f32(a, aOff + i0 * ars, ars, b, bOff + j0, brs,
                                c, cOff + i0 * n + j0, n, rows, k, cols));
            } else {
                packed32(F32W, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, n, m, k, n, split && work >= PARALLEL_WORK);
            }
            return;
        }
        if (n < NARROW_F32 && ars == 1) {
            // A read transposed (its columns contiguous), C narrow: Cᵀ = Bᵀ·Aᵀ, so the thin side of C is the
            // MR-row side of the tiles instead of padding NR columns, and Aᵀ packs by whole vectors
            // (256×128ᵀ·128×10: ~10 → ~23 GFLOP/s).
            float[] ct = new float[m * n];
            packed32(F32, b, bOff, bcs, brs, a, aOff, acs, ars, ct, 0, m, n, k, m, split && work >= PARALLEL_WORK);
            Packing.transpose(ct, n, m, c, cOff);
            return;
        }
        packed32(F32, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, n, m, k, n, split && work >= PARALLEL_WORK);
    }

    private static void f64(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
                            double[] c, int cOff, int m, int k, int n, boolean split) {
        long work = (long) m * k * n;
        if (work < SMALL_WORK) {
            SmallMatmul.multiply(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, n, m, k, n);
            return;
        }
        if (thinF64(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, m, k, n, split)) {
            return;
        }
        if (GemmF64.WIDE && n % GemmF64.WIDE_NR == 0) {
            // 512-bit vectors, C a whole number of 4-vector panels wide: the 4 × 4-vector tile,
            // straight from A and B when B is row-major and they are small enough, else packed (B
            // read transposed too, as in g·Wᵀ).
            if (bcs == 1 && direct(acs, k, n, Double.BYTES)) {
                MatmulSplits.splitC(m, n, GemmF64.MR, GemmF64.WIDE_NR, split && work >= PARALLEL_WORK, MatmulSplits.rowsShareB(m, n, k, ars, acs, brs, 1), true,
                        (i0, rows, j0, cols) -> DirectGemm.f64(a, aOff + i0 * ars, ars, b, bOff + j0, brs,
                                c, cOff + i0 * n + j0, n, rows, k, cols));
            } else {
                packed64(F64W, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, n, m, k, n, split && work >= PARALLEL_WORK);
            }
            return;
        }
        if (n < NARROW_F64 && ars == 1) {
            // A read transposed (its columns contiguous), C narrow: Cᵀ = Bᵀ·Aᵀ, so the thin side of C is the
            // MR-row side of the tiles instead of padding NR columns, and Aᵀ packs by whole vectors
            // (256×128ᵀ·128×10: ~10 → ~23 GFLOP/s).
            double[] ct = new double[m * n];
            packed64(F64, b, bOff, bcs, brs, a, aOff, acs, ars, ct, 0, m, n, k, m, split && work >= PARALLEL_WORK);
            Packing.transpose(ct, n, m, c, cOff);
            return;
        }
        packed64(F64, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, n, m, k, n, split && work >= PARALLEL_WORK);
    }

    /** C (row stride {@code ldc}) = A·B through {@code kind}'s packed GEMM; see {@link MatmulSplits#packed}. */
    private static void packed32(ThreadLocal<GemmF32> kind, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                                 float[] c, int cOff, int ldc, int m, int k, int n, boolean parallel) {
        MatmulSplits.packed(kind, m, k, n, parallel, MatmulSplits.rowsShareB(m, n, k, ars, acs, brs, bcs), (i0, rows, j0, cols, blocks, share) ->
                kind.get().multiply(a, aOff + i0 * ars, ars, acs, b, bOff + j0 * bcs, brs, bcs, c, cOff + i0 * ldc + j0, ldc,
                        rows, k, cols, blocks, share));
    }

    /** C (row stride {@code ldc}) = A·B through {@code kind}'s packed GEMM; see {@link MatmulSplits#packed}. */
    private static void packed64(ThreadLocal<GemmF64> kind, double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
                                 double[] c, int cOff, int ldc, int m, int k, int n, boolean parallel) {
        MatmulSplits.packed(kind, m, k, n, parallel, MatmulSplits.rowsShareB(m, n, k, ars, acs, brs, bcs), (i0, rows, j0, cols, blocks, share) ->
                kind.get().multiply(a, aOff + i0 * ars, ars, acs, b, bOff + j0 * bcs, brs, bcs, c, cOff + i0 * ldc + j0, ldc,
                        rows, k, cols, blocks, share));
    }

    /** Matrix·vector, vector·matrix and narrow-n products without packing; false when the strides rule them out. */
    private static boolean thinF32(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                                   float[] c, int cOff, int m, int k, int n, boolean split) {
        if (n == 1 && gemvF32(a, aOff, ars, acs, b, bOff, brs, c, cOff, m, k, split)) {
            return true;
        }
        // xᵀ·B = (Bᵀ·x)ᵀ: the rows of Bᵀ are B's columns.
        if (m == 1 && gemvF32(b, bOff, bcs, brs, a, aOff, acs, c, cOff, n, k, split)) {
            return true;
        }
        if (n >= NARROW_F32 || acs != 1) {
            return false;
        }
        int lanes = SmallMatmul.SF.length();
        if (bcs == 1 && (n % lanes == 0 || (k < SHORT_DOTS && n % (lanes / 2) == 0))) {
            // Whole vectors of columns (or a half vector more), when dot products would be too short
            // to pay for their reductions: straight from B's rows, no transpose.
            rows(m, (long) k * n, PARALLEL_WORK, split, (from, to) -> SmallMatmul.multiply(a, aOff + from * ars, ars, 1,
                    b, bOff, brs, 1, c, cOff + from * n, n, to - from, k, n));
            return true;
        }
        float[] bt = brs == 1 ? b : ThinF32.transpose(b, bOff, brs, bcs, k, n);
        int bo = brs == 1 ? bOff : 0;
        int ldb = brs == 1 ? bcs : k;
        rows(m, (long) k * n, PARALLEL_WORK, split, (from, to) -> ThinF32.dots(a, aOff + from * ars, ars, bt, bo, ldb,
                c, cOff + from * n, n, to - from, k, n));
        return true;
    }

    /** y = M·x for M read at {@code off + i·rs + p·cs}; false unless one of M's strides is 1. */
    private static boolean gemvF32(float[] mat, int off, int rs, int cs, float[] x, int xOff, int xs,
                                   float[] y, int yOff, int rows, int k, boolean split) {
        if (cs == 1) {
            float[] xc = xs == 1 ? x : ThinF32.gather(x, xOff, xs, k);
            int xo = xs == 1 ? xOff : 0;
            rows(rows, k, GEMV_PARALLEL_WORK, split, (from, to) -> ThinF32.dots(mat, off + from * rs, rs, xc, xo, 0, y, yOff + from, 1, to - from, k, 1));
            return true;
        }
        if (rs == 1) {
            rows(rows, k, GEMV_PARALLEL_WORK, split, (from, to) -> ThinF32.axpy(mat, off + from, cs, x, xOff, xs, y, yOff + from, to - from, k));
            return true;
        }
        return false;
    }

    /** Matrix·vector, vector·matrix and narrow-n products without packing; false when the strides rule them out. */
    private static boolean thinF64(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
                                   double[] c, int cOff, int m, int k, int n, boolean split) {
        if (n == 1 && gemvF64(a, aOff, ars, acs, b, bOff, brs, c, cOff, m, k, split)) {
            return true;
        }
        // xᵀ·B = (Bᵀ·x)ᵀ: the rows of Bᵀ are B's columns.
        if (m == 1 && gemvF64(b, bOff, bcs, brs, a, aOff, acs, c, cOff, n, k, split)) {
            return true;
        }
        if (n >= NARROW_F64 || acs != 1) {
            return false;
        }
        int lanes = SmallMatmul.SD.length();
        if (bcs == 1 && (n % lanes == 0 || (k < SHORT_DOTS && n % (lanes / 2) == 0))) {
            // Whole vectors of columns (or a half vector more), when dot products would be too short
            // to pay for their reductions: straight from B's rows, no transpose.
            rows(m, (long) k * n, PARALLEL_WORK, split, (from, to) -> SmallMatmul.multiply(a, aOff + from * ars, ars, 1,
                    b, bOff, brs, 1, c, cOff + from * n, n, to - from, k, n));
            return true;
        }
        double[] bt = brs == 1 ? b : ThinF64.transpose(b, bOff, brs, bcs, k, n);
        int bo = brs == 1 ? bOff : 0;
        int ldb = brs == 1 ? bcs : k;
        rows(m, (long) k * n, PARALLEL_WORK, split, (from, to) -> ThinF64.dots(a, aOff + from * ars, ars, bt, bo, ldb,
                c, cOff + from * n, n, to - from, k, n));
        return true;
    }

    /** y = M·x for M read at {@code off + i·rs + p·cs}; false unless one of M's strides is 1. */
    private static boolean gemvF64(double[] mat, int off, int rs, int cs, double[] x, int xOff, int xs,
                                   double[] y, int yOff, int rows, int k, boolean split) {
        if (cs == 1) {
            double[] xc = xs == 1 ? x : ThinF64.gather(x, xOff, xs, k);
            int xo = xs == 1 ? xOff : 0;
            rows(rows, k, GEMV_PARALLEL_WORK, split, (from, to) -> ThinF64.dots(mat, off + from * rs, rs, xc, xo, 0, y, yOff + from, 1, to - from, k, 1));
            return true;
        }
        if (rs == 1) {
            rows(rows, k, GEMV_PARALLEL_WORK, split, (from, to) -> ThinF64.axpy(mat, off + from, cs, x, xOff, xs, y, yOff + from, to - from, k));
            return true;
        }
        return false;
    }
    /** Runs {@code body} over {@code [0, rows)}, split across threads when the product is big enough. */
    private static void rows(int rows, long workPerRow, long parallelWork, boolean split, Parallel.Range body) {
        if (split && rows * workPerRow >= parallelWork) {
            Parallel.forRange(rows, (int) Math.max(4, parallelWork / 2 / workPerRow), body);
        } else {
            body.run(0, rows);
        }
    }
}
