package dev.jgrad.kernels;

import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Storage;

/**
 * Row-major copies of views whose last two axes are swapped (stride 1 on the second-to-last axis,
 * not on the last: {@code x.mT().contiguous()}, a transposed weight materialised), in square
 * tiles: walking the output's rows reads the source down a column, a cache line per element;
 * a tile of {@value #TILE} × {@value #TILE} reads each source line while it is in L1. Small,
 * because with a power-of-two row length (1024 floats: 4 KB) a tile's source lines, and its
 * output lines, all fall in one L1 set of 8 ways: 1024 × 1024 float32 on one thread (harness)
 * took ~2.9 ms in tiles of 32, ~1.9 in 16, ~1.3 in 8, ~2.3 in 4 (the strided walk: ~4.2).
 * Leading axes may have any strides; tiles are shared among the kernel threads. Both kernel
 * sets use it (the copy is exact); the SIMD set passes its own {@link Tiles}, which read each
 * source line once, whole, in a vector.
 */
public final class Transposes {
    static final int TILE = 8;

    /** The scalar tiles: {@value #TILE} rows per piece of work. */
    public static final Tiles SCALAR = new Tiles() {
        @Override
        public int rows() {
            return TILE;
        }

        @Override
        public void rows(float[] s, int sb, int sc, float[] o, int ob, int cols, int r0, int r1) {
            tile(s, sb, sc, o, ob, cols, r0, r1, 0);
        }

        @Override
        public void rows(double[] s, int sb, int sc, double[] o, int ob, int cols, int r0, int r1) {
            tile(s, sb, sc, o, ob, cols, r0, r1, 0);
        }
    };

    /**
     * How one piece of a plane is copied: rows [r0, r1) of the output, o[ob + r·cols + c] =
     * s[sb + r + c·sc] for every column c.
     */
    public interface Tiles {
        /** Rows per piece (r1 − r0, except for a plane's last piece). */
        int rows();

        void rows(float[] s, int sb, int sc, float[] o, int ob, int cols, int r0, int r1);

        void rows(double[] s, int sb, int sc, double[] o, int ob, int cols, int r0, int r1);
    }

    private Transposes() {
    }

    /** Whether {@link #copy} handles copying {@code src} seen through {@code l} into {@code out}. */
    public static boolean applies(Storage src, Layout l, Storage out) {
        int nd = l.ndim();
        if (nd < 2 || l.strides()[nd - 2] != 1 || l.strides()[nd - 1] == 1 || l.shape()[nd - 1] < 2 || l.shape()[nd - 2] < 2) {
            return false;
        }
        return src instanceof Storage.F32 && out instanceof Storage.F32 || src instanceof Storage.F64 && out instanceof Storage.F64;
    }

    /** out (row-major, x's shape) = src seen through {@code l}, by the scalar tiles; {@link #applies} must hold. */
    public static void copy(Storage src, Layout l, Storage out) {
        copy(src, l, out, SCALAR);
    }

    /** out (row-major, x's shape) = src seen through {@code l}, piece by piece with {@code tiles}; {@link #applies} must hold. */
    public static void copy(Storage src, Layout l, Storage out, Tiles tiles) {
        int nd = l.ndim();
        int rows = l.shape()[nd - 2];
        int cols = l.shape()[nd - 1];
        int sc = l.strides()[nd - 1];
        int plane = rows * cols;
        int planes = plane == 0 ? 0 : l.numel() / plane;
        int[] bases = new int[planes];
        int[] index = new int[nd - 2];
        for (int p = 0; p < planes; p++) {
            int base = l.offset();
            for (int d = 0; d < nd - 2; d++) {
                base += index[d] * l.strides()[d];
            }
            bases[p] = base;
            for (int d = nd - 3; d >= 0 && ++index[d] == l.shape()[d]; d--) {
                index[d] = 0;
            }
        }
        int tr = tiles.rows();
        int rowTiles = (rows + tr - 1) / tr;
        int minTiles = Math.max(1, (1 << 15) / (tr * Math.max(1, cols)));
        Parallel.forRange(planes * rowTiles, minTiles, (from, to) -> {
            for (int t = from; t < to; t++) {
                int p = t / rowTiles;
                int r0 = (t % rowTiles) * tr;
                int r1 = Math.min(rows, r0 + tr);
                if (src instanceof Storage.F32(float[] s, _) && out instanceof Storage.F32(float[] o, _)) {
                    tiles.rows(s, bases[p], sc, o, p * plane, cols, r0, r1);
                } else if (src instanceof Storage.F64(double[] s, _) && out instanceof Storage.F64(double[] o, _)) {
                    tiles.rows(s, bases[p], sc, o, p * plane, cols, r0, r1);
                }
            }
        });
    }

    /**
     * Rows [r0, r1) of one plane from column {@code from} on: o[ob + r·cols + c] = s[sb + r + c·sc],
     * in tiles of columns.
     */
    public static void tile(float[] s, int sb, int sc, float[] o, int ob, int cols, int r0, int r1, int from) {
        for (int c0 = from; c0 < cols; c0 += TILE) {
            int c1 = Math.min(cols, c0 + TILE);
            for (int r = r0; r < r1; r++) {
                int op = ob + r * cols;
                int sp = sb + r;
                for (int c = c0; c < c1; c++) {
                    o[op + c] = s[sp + c * sc];
                }
            }
        }
    }

    /** As the float32 {@code tile}. */
    public static void tile(double[] s, int sb, int sc, double[] o, int ob, int cols, int r0, int r1, int from) {
        for (int c0 = from; c0 < cols; c0 += TILE) {
            int c1 = Math.min(cols, c0 + TILE);
            for (int r = r0; r < r1; r++) {
                int op = ob + r * cols;
                int sp = sb + r;
                for (int c = c0; c < c1; c++) {
                    o[op + c] = s[sp + c * sc];
                }
            }
        }
    }
}
