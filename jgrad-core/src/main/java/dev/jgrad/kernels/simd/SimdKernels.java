package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.ArithProgram;
import dev.jgrad.kernels.BinaryFn;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.kernels.ScalarKernels;
import dev.jgrad.kernels.Transposes;
import dev.jgrad.kernels.UnaryFn;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Storage;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * {@link Kernels} on {@code jdk.incubator.vector}: element-wise kernels vectorised along rows whose
 * operands have stride 1 (or 0: a broadcast element), split across cores above {@link #MIN_CHUNK}
 * elements; reductions in {@link SimdReductions}. Everything else (other strides, mixed dtypes,
 * functions that are not a {@link UnaryFn}/{@link BinaryFn}) is the scalar reference's job. Loaded
 * by name from {@link dev.jgrad.kernels.KernelProvider} only when the vector module is present.
 */
public final class SimdKernels implements Kernels {
    /**
     * Elements per thread below which a kernel stays on the calling thread. Measured on the 2-core
     * test machine (shared, so noisy): at 64K–256K elements two threads were no faster than one for
     * ADD and float EXP (hand-off ≈ 10–50 µs under load); at 1M–10M they gave up to 2× on
     * transcendentals, while memory-bound arithmetic gains little.
     */
    public static final int MIN_CHUNK = 1 << 16;
    /** Shorter rows are walked faster by the scalar kernels than split into vector pieces. */
    private static final int MIN_ROW = 8;

    private final ScalarKernels scalar = new ScalarKernels();

    /** Fails (and the provider falls back) when the platform has no useful vector shape. */
    public SimdKernels() {
        if (DoubleLanes.S.length() < 2) {
            throw new UnsupportedOperationException("no SIMD: preferred double vector has " + DoubleLanes.S.length() + " lane");
        }
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public void copy(Storage src, Layout layout, Storage out) {
        if (Transposes.applies(src, layout, out)) {
            Transposes.copy(src, layout, out, VectorTransposes.INSTANCE);
            return;
        }
        copyInto(src, layout, out, Layout.contiguous(layout.shape()));
    }

    @Override
    public void copyInto(Storage src, Layout ls, Storage dst, Layout ld) {
        int n = ls.numel();
        if (n < MIN_ROW) {
            scalar.copyInto(src, ls, dst, ld);
            return;
        }
        Rows rows = Rows.of(ls.shape(), ls, ld);
        if (n == 0 || src.dtype() != dst.dtype() || rows.innerStride(0) != 1 || rows.innerStride(1) != 1
                || rows.inner() < MIN_ROW) {
            scalar.copyInto(src, ls, dst, ld);
            return;
        }
        Object s = array(src);
        Object d = array(dst);
        Parallel.forRange(n, MIN_CHUNK, (from, to) -> rows.forEach(from, to, (row, col, len) ->
                System.arraycopy(s, rows.position(0, row) + col, d, rows.position(1, row) + col, len)));
    }

    @Override
    public void gather(Storage x, Layout lx, int axis, int[] index, Layout li, Storage out) {
        scalar.gather(x, lx, axis, index, li, out);
    }

    @Override
    public void scatterAdd(Storage src, Layout ls, int axis, int[] index, Layout li, Storage dst, Layout ld) {
        scalar.scatterAdd(src, ls, axis, index, li, dst, ld);
    }

    @Override
    public void map(DoubleUnaryOperator f, Storage x, Layout lx, Storage out) {
        int n = out.length();
        if (!(f instanceof UnaryFn u) || n == 0 || x.dtype() != out.dtype()) {
            scalar.map(f, x, lx, out);
            return;
        }
        if (n < MIN_ROW && !VectorMath.approximate(u.kind())) {
            // Tiny tensors (0-d scalars above all): the plain loop, no row analysis.
            scalar.map(f, x, lx, out);
            return;
        }
        if (lx.isContiguous()) {
            // Dense input (the common case): one flat range, no row analysis; below two threads'
            // worth, a direct call (no lambda for forRange to run inline).
            int xo = lx.offset();
            if (n < 2 * MIN_CHUNK) {
                mapRange(u, x, xo, out, 0, n);
            } else {
                Storage in = x;
                Parallel.forRange(n, MIN_CHUNK, (from, to) -> mapRange(u, in, xo + from, out, from, to - from));
            }
            return;
        }
        Rows rows = Rows.of(lx.shape(), lx);
        if (rows.innerStride(0) != 1 || rows.inner() < MIN_ROW) {
            if (!VectorMath.approximate(u.kind())) {
                scalar.map(f, x, lx, out);
                return;
            }
            // Gather first, so strided and short inputs get the same vector results as contiguous ones.
            Storage packed = Storage.allocate(x.dtype(), n);
            copy(x, lx, packed);
            x = packed;
            rows = Rows.of(lx.shape(), Layout.contiguous(lx.shape()));
        }
        Rows r = rows;
        if (x instanceof Storage.F64(double[] xs, _) && out instanceof Storage.F64(double[] o, _)) {
            Parallel.forRange(n, MIN_CHUNK, (from, to) -> r.forEach(from, to, (row, col, len) ->
                    DoubleLanes.map(u, xs, r.position(0, row) + col, o, row * r.inner() + col, len)));
        } else if (x instanceof Storage.F32(float[] xs, _) && out instanceof Storage.F32(float[] o, _)) {
            Parallel.forRange(n, MIN_CHUNK, (from, to) -> r.forEach(from, to, (row, col, len) ->
                    FloatLanes.map(u, xs, r.position(0, row) + col, o, row * r.inner() + col, len)));
        }
    }

    @Override
    public void mapRange(UnaryFn f, Storage x, int xOff, Storage out, int outOff, int n) {
        if (x instanceof Storage.F64(double[] xs, _) && out instanceof Storage.F64(double[] o, _)) {
            DoubleLanes.map(f, xs, xOff, o, outOff, n);
        } else if (x instanceof Storage.F32(float[] xs, _) && out instanceof Storage.F32(float[] o, _)) {
            FloatLanes.map(f, xs, xOff, o, outOff, n);
        } else {
            Kernels.super.mapRange(f, x, xOff, out, outOff, n);
        }
    }

    @Override
    public double sumRange(Storage x, int off, int n) {
        return x instanceof Storage.F64(double[] d, _) ? DoubleLanes.sum(d, off, n) : FloatLanes.sum(((Storage.F32) x).data(), off, n);
    }

    @Override
    public void sinCosRange(Storage x, int xOff, Storage sin, int sinOff, Storage cos, int cosOff, int n) {
        if (x instanceof Storage.F32(float[] xs, _) && sin instanceof Storage.F32(float[] s, _)
                && cos instanceof Storage.F32(float[] c, _)) {
            FloatLanes.sinCos(xs, xOff, s, sinOff, c, cosOff, n);
        } else if (x instanceof Storage.F64(double[] xs, _) && sin instanceof Storage.F64(double[] s, _)
                && cos instanceof Storage.F64(double[] c, _)) {
            DoubleLanes.sinCos(xs, xOff, s, sinOff, c, cosOff, n);
        } else {
            Kernels.super.sinCosRange(x, xOff, sin, sinOff, cos, cosOff, n);
        }
    }

    @Override
    public void zipRange(BinaryFn f, Storage a, int aOff, int aStride, Storage b, int bOff, int bStride,
                         Storage out, int outOff, int n) {
        if (a instanceof Storage.F64(double[] as, _) && b instanceof Storage.F64(double[] bs, _)
                && out instanceof Storage.F64(double[] o, _)) {
            DoubleZips.zip(f, as, aOff, aStride, bs, bOff, bStride, o, outOff, n);
        } else if (a instanceof Storage.F32(float[] as, _) && b instanceof Storage.F32(float[] bs, _)
                && out instanceof Storage.F32(float[] o, _)) {
            FloatZips.zip(f, as, aOff, aStride, bs, bOff, bStride, o, outOff, n);
        } else {
            Kernels.super.zipRange(f, a, aOff, aStride, b, bOff, bStride, out, outOff, n);
        }
    }

    /** One generated vector loop per program shape ({@link ArithLoops}): the whole program per element in registers. */
    @Override
    public void arithRange(ArithProgram p, Storage[] leaves, int[] offsets, Storage out, int outOff, int n) {
        Object[] arrays = new Object[leaves.length];
        for (int l = 0; l < leaves.length; l++) {
            if (leaves[l].dtype() != out.dtype()) {
                Kernels.super.arithRange(p, leaves, offsets, out, outOff, n);
                return;
            }
            arrays[l] = leaves[l] instanceof Storage.F32(float[] f, _) ? f : ((Storage.F64) leaves[l]).data();
        }
        boolean f32 = out instanceof Storage.F32;
        ArithLoops.get(p, f32).run(arrays, offsets, f32 ? ((Storage.F32) out).data() : ((Storage.F64) out).data(), outOff, n);
    }

    @Override
    public void zip(DoubleBinaryOperator f, Storage a, Layout la, Storage b, Layout lb, Storage out) {
        int n = out.length();
        if (n < MIN_ROW) {
            scalar.zip(f, a, la, b, lb, out);
            return;
        }
        if (f instanceof BinaryFn fn && a.dtype() == out.dtype() && b.dtype() == out.dtype()
                && la.isContiguous() && lb.isContiguous()) {
            // Dense operands (the common case): one flat range, no row analysis (as in map).
            int ao = la.offset();
            int bo = lb.offset();
            if (n < 2 * MIN_CHUNK) {
                zipRange(fn, a, ao, 1, b, bo, 1, out, 0, n);
            } else {
                Parallel.forRange(n, MIN_CHUNK, (from, to) -> zipRange(fn, a, ao + from, 1, b, bo + from, 1, out, from, to - from));
            }
            return;
        }
        Rows rows = Rows.of(la.shape(), la, lb);
        if (!(f instanceof BinaryFn fn) || n == 0 || a.dtype() != out.dtype() || b.dtype() != out.dtype()
                || !rows.walksUnitStrides(MIN_ROW)) {
            scalar.zip(f, a, la, b, lb, out);
            return;
        }
        int sa = rows.innerStride(0);
        int sb = rows.innerStride(1);
        if (a instanceof Storage.F64(double[] as, _) && b instanceof Storage.F64(double[] bs, _)
                && out instanceof Storage.F64(double[] o, _)) {
            Parallel.forRange(n, MIN_CHUNK, (from, to) -> rows.forEach(from, to, (row, col, len) ->
                    DoubleZips.zip(fn, as, rows.position(0, row) + col * sa, sa, bs, rows.position(1, row) + col * sb, sb,
                            o, row * rows.inner() + col, len)));
        } else if (a instanceof Storage.F32(float[] as, _) && b instanceof Storage.F32(float[] bs, _)
                && out instanceof Storage.F32(float[] o, _)) {
            Parallel.forRange(n, MIN_CHUNK, (from, to) -> rows.forEach(from, to, (row, col, len) ->
                    FloatZips.zip(fn, as, rows.position(0, row) + col * sa, sa, bs, rows.position(1, row) + col * sb, sb,
                            o, row * rows.inner() + col, len)));
        }
    }

    @Override
    public void select(Storage c, Layout lc, Storage a, Layout la, Storage b, Layout lb, Storage out) {
        int n = out.length();
        if (n < MIN_ROW) {
            scalar.select(c, lc, a, la, b, lb, out);
            return;
        }
        Rows rows = Rows.of(lc.shape(), lc, la, lb);
        boolean unit = rows.innerStride(0) == 1 && rows.innerStride(1) == 1 && rows.innerStride(2) == 1;
        if (n == 0 || !unit || rows.inner() < MIN_ROW || c.dtype() != out.dtype() || a.dtype() != out.dtype()
                || b.dtype() != out.dtype()) {
            scalar.select(c, lc, a, la, b, lb, out);
            return;
        }
        if (c instanceof Storage.F64(double[] cs, _) && a instanceof Storage.F64(double[] as, _)
                && b instanceof Storage.F64(double[] bs, _) && out instanceof Storage.F64(double[] o, _)) {
            Parallel.forRange(n, MIN_CHUNK, (from, to) -> rows.forEach(from, to, (row, col, len) ->
                    DoubleLanes.select(cs, rows.position(0, row) + col, as, rows.position(1, row) + col,
                            bs, rows.position(2, row) + col, o, row * rows.inner() + col, len)));
        } else if (c instanceof Storage.F32(float[] cs, _) && a instanceof Storage.F32(float[] as, _)
                && b instanceof Storage.F32(float[] bs, _) && out instanceof Storage.F32(float[] o, _)) {
            Parallel.forRange(n, MIN_CHUNK, (from, to) -> rows.forEach(from, to, (row, col, len) ->
                    FloatLanes.select(cs, rows.position(0, row) + col, as, rows.position(1, row) + col,
                            bs, rows.position(2, row) + col, o, row * rows.inner() + col, len)));
        }
    }

    @Override
    public void reduce(Reduction kind, Storage x, Layout lx, boolean[] axes, Storage out) {
        if (!SimdReductions.reduce(kind, x, lx, axes, out)) {
            scalar.reduce(kind, x, lx, axes, out);
        }
    }

    /** In double lanes, rows or column blocks shared among threads ({@link SoftmaxLoops}). */
    @Override
    public void softmax(Softmax mode, Storage x, int xOff, Storage out, int outer, int len, int inner) {
        if (!softmaxLoops(mode, x, xOff, null, out, outer, len, inner)) {
            Kernels.super.softmax(mode, x, xOff, out, outer, len, inner);
        }
    }

    /** {@link #softmax}'s SOFTMAX passes with the per-slice factor w/s in place of 1/s. */
    @Override
    public void softmaxScaled(Storage x, int xOff, double[] w, Storage out, int outer, int len, int inner) {
        if (!softmaxLoops(Softmax.SOFTMAX, x, xOff, w, out, outer, len, inner)) {
            Kernels.super.softmaxScaled(x, xOff, w, out, outer, len, inner);
        }
    }

    /** {@link SoftmaxLoops#run} when x and out share a dtype (w null: unscaled); false otherwise. */
    private static boolean softmaxLoops(Softmax mode, Storage x, int xOff, double[] w, Storage out, int outer, int len, int inner) {
        if (x instanceof Storage.F64(double[] d, _) && out instanceof Storage.F64(double[] o, _)) {
            SoftmaxLoops.run(mode, d, xOff, o, outer, len, inner, w);
        } else if (x instanceof Storage.F32(float[] f, _) && out instanceof Storage.F32(float[] o, _)) {
            SoftmaxLoops.run(mode, f, xOff, o, outer, len, inner, w);
        } else {
            return false;
        }
        return true;
    }

    /** Two passes per row or column block in double lanes, shared among threads ({@link SoftmaxBackward}). */
    @Override
    public void softmaxBackward(Softmax mode, Storage y, int yOff, Storage g, int gOff, int gStep, Storage out,
                                int outer, int len, int inner) {
        if (y.dtype() == g.dtype() && y.dtype() == out.dtype()) {
            SoftmaxBackward.run(mode, array(y), yOff, array(g), gOff, gStep, array(out), outer, len, inner);
        } else {
            Kernels.super.softmaxBackward(mode, y, yOff, g, gOff, gStep, out, outer, len, inner);
        }
    }

    /** Count and write passes per row or column block, shared among threads ({@link ExtremumBackward}). */
    @Override
    public void extremumBackward(Storage x, int xOff, Storage y, int yOff, Storage g, int gOff, int gStep, Storage out,
                                 int outer, int len, int inner) {
        if (x.dtype() == out.dtype() && y.dtype() == out.dtype() && g.dtype() == out.dtype()) {
            ExtremumBackward.run(array(x), xOff, array(y), yOff, array(g), gOff, gStep, array(out), outer, len, inner);
        } else {
            Kernels.super.extremumBackward(x, xOff, y, yOff, g, gOff, gStep, out, outer, len, inner);
        }
    }

    /** On contiguous x, rows in vector lanes and other axes by column blocks ({@link ArgReduce}); any other layout by the scalar kernel. */
    @Override
    public void argReduce(boolean max, Storage x, Layout lx, int axis, Storage out) {
        int[] s = lx.shape();
        int len = s[axis];
        int inner = 1;
        for (int d = axis + 1; d < s.length; d++) {
            inner *= s[d];
        }
        if (!lx.isContiguous() || out.length() == 0 || len == 0 || out.length() < MIN_ROW && len < MIN_ROW) {
            scalar.argReduce(max, x, lx, axis, out);
        } else if (inner == 1) {
            ArgReduce.rows(max, array(x), lx.offset(), len, out.length(), out);
        } else {
            ArgReduce.columns(max, array(x), lx.offset(), out.length() / inner, len, inner, out);
        }
    }

    /** The packed, register-tiled, multi-threaded product of {@link SimdMatmul}. */
    @Override
    public void matmul(Storage a, int aOff, int aRowStride, int aColStride,
                       Storage b, int bOff, int bRowStride, int bColStride,
                       Storage c, int cOff, int m, int k, int n) {
        SimdMatmul.matmul(a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, m, k, n);
    }

    /** Batches split across threads (several matrices) or inside a matrix (a few big ones). */
    @Override
    public void matmulBatched(Storage a, int[] aOffs, int aRowStride, int aColStride,
                              Storage b, int[] bOffs, int bRowStride, int bColStride,
                              Storage c, int[] cOffs, int m, int k, int n) {
        SimdMatmul.matmulBatched(a, aOffs, aRowStride, aColStride, b, bOffs, bRowStride, bColStride, c, cOffs, m, k, n);
    }

    private static Object array(Storage s) {
        return s instanceof Storage.F64(double[] d, _) ? d : ((Storage.F32) s).data();
    }
}
