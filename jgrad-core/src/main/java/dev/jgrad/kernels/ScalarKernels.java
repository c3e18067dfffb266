package dev.jgrad.kernels;

import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.Storage;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Plain Java loops: the reference implementation of {@link Kernels}, always available. */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void copy(Storage src, Layout layout, Storage out) {
        int n = out.length();
        if (n == 0) {
            return;
        }
        if (layout.isContiguous()) {
            int off = layout.offset();
            if (src instanceof Storage.F64(double[] s, _) && out instanceof Storage.F64(double[] o, _)) {
                System.arraycopy(s, off, o, 0, n);
                return;
            }
            if (src instanceof Storage.F32(float[] s, _) && out instanceof Storage.F32(float[] o, _)) {
                System.arraycopy(s, off, o, 0, n);
                return;
            }
            for (int i = 0; i < n; i++) {
                out.set(i, src.get(off + i));
            }
            return;
        }
        if (Transposes.applies(src, layout, out)) {
            Transposes.copy(src, layout, out);
            return;
        }
        StridedWalk w = new StridedWalk(layout.shape(), layout);
        int inner = w.innerSize();
        int s0 = layout.ndim() == 0 ? 0 : layout.strides()[layout.ndim() - 1];
        for (int i = 0; i < n; i += inner) {
            int p = w.position(0);
            for (int j = 0; j < inner; j++, p += s0) {
                out.set(i + j, src.get(p));
            }
            w.nextRow();
        }
    }

    @Override
    public void copyInto(Storage src, Layout ls, Storage dst, Layout ld) {
        int n = ls.numel();
        if (n == 0) {
            return;
        }
        StridedWalk w = new StridedWalk(ls.shape(), ls, ld);
        int inner = w.innerSize();
        int ss = w.innerStride(0);
        int sd = w.innerStride(1);
        for (int i = 0; i < n; i += inner) {
            int ps = w.position(0);
            int pd = w.position(1);
            for (int j = 0; j < inner; j++, ps += ss, pd += sd) {
                dst.set(pd, src.get(ps));
            }
            w.nextRow();
        }
    }

    @Override
    public void gather(Storage x, Layout lx, int axis, int[] index, Layout li, Storage out) {
        int n = li.numel();
        if (n == 0) {
            return;
        }
        int axisStride = lx.strides()[axis];
        StridedWalk w = new StridedWalk(li.shape(), withoutAxis(lx, li.shape(), axis), li);
        int inner = w.innerSize();
        int sx = w.innerStride(0);
        int si = w.innerStride(1);
        for (int i = 0; i < n; i += inner) {
            int px = w.position(0);
            int pi = w.position(1);
            for (int j = 0; j < inner; j++, px += sx, pi += si) {
                out.set(i + j, x.get(px + index[pi] * axisStride));
            }
            w.nextRow();
        }
    }

    @Override
    public void scatterAdd(Storage src, Layout ls, int axis, int[] index, Layout li, Storage dst, Layout ld) {
        int n = ls.numel();
        if (n == 0) {
            return;
        }
        if (dst instanceof Storage.F32) {
            // Repeated indices: accumulate in double and round once, not after every add.
            Storage wide = new Storage.F64(new double[dst.length()]);
            copy(dst, Layout.contiguous(new int[] {dst.length()}), wide);
            scatterAdd(src, ls, axis, index, li, wide, ld);
            copy(wide, Layout.contiguous(new int[] {dst.length()}), dst);
            return;
        }
        int axisStride = ld.strides()[axis];
        StridedWalk w = new StridedWalk(ls.shape(), ls, withoutAxis(ld, ls.shape(), axis), li);
        int inner = w.innerSize();
        int ss = w.innerStride(0);
        int sd = w.innerStride(1);
        int si = w.innerStride(2);
        for (int i = 0; i < n; i += inner) {
            int ps = w.position(0);
            int pd = w.position(1);
            int pi = w.position(2);
            for (int j = 0; j < inner; j++, ps += ss, pd += sd, pi += si) {
                int p = pd + index[pi] * axisStride;
                dst.set(p, dst.get(p) + src.get(ps));
            }
            w.nextRow();
        }
    }

    /** {@code l}'s strides over {@code shape} with the axis stride zeroed: the index supplies that coordinate. */
    private static Layout withoutAxis(Layout l, int[] shape, int axis) {
        int[] strides = l.strides().clone();
        strides[axis] = 0;
        return new Layout(shape, strides, l.offset());
    }

    @Override
    public void map(DoubleUnaryOperator f, Storage x, Layout lx, Storage out) {
        int n = out.length();
        if (n == 0) {
            return;
        }
        if (lx.isContiguous()) {
            int off = lx.offset();
            if (x instanceof Storage.F64(double[] s, _) && out instanceof Storage.F64(double[] o, _)) {
                for (int i = 0; i < n; i++) {
                    o[i] = f.applyAsDouble(s[off + i]);
                }
                return;
            }
            if (x instanceof Storage.F32(float[] s, _) && out instanceof Storage.F32(float[] o, _)) {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) f.applyAsDouble(s[off + i]);
                }
                return;
            }
        }
        StridedWalk w = new StridedWalk(lx.shape(), lx);
        int inner = w.innerSize();
        int s0 = w.innerStride(0);
        for (int i = 0; i < n; i += inner) {
            int p = w.position(0);
            for (int j = 0; j < inner; j++, p += s0) {
                out.set(i + j, f.applyAsDouble(x.get(p)));
            }
            w.nextRow();
        }
    }

    @Override
    public void zip(DoubleBinaryOperator f, Storage a, Layout la, Storage b, Layout lb, Storage out) {
        int n = out.length();
        if (n == 0) {
            return;
        }
        if (la.isContiguous() && lb.isContiguous() && ContiguousZip.apply(f, a, la.offset(), b, lb.offset(), out, n)) {
            return;
        }
        StridedWalk w = new StridedWalk(la.shape(), la, lb);
        int inner = w.innerSize();
        int sa = w.innerStride(0);
        int sb = w.innerStride(1);
        for (int i = 0; i < n; i += inner) {
            int pa = w.position(0);
            int pb = w.position(1);
            for (int j = 0; j < inner; j++, pa += sa, pb += sb) {
                out.set(i + j, f.applyAsDouble(a.get(pa), b.get(pb)));
            }
            w.nextRow();
        }
    }

    @Override
    public void select(Storage c, Layout lc, Storage a, Layout la, Storage b, Layout lb, Storage out) {
        int n = out.length();
        if (n == 0) {
            return;
        }
        StridedWalk w = new StridedWalk(lc.shape(), lc, la, lb);
        int inner = w.innerSize();
        int sc = w.innerStride(0);
        int sa = w.innerStride(1);
        int sb = w.innerStride(2);
        for (int i = 0; i < n; i += inner) {
            int pc = w.position(0);
            int pa = w.position(1);
            int pb = w.position(2);
            for (int j = 0; j < inner; j++, pc += sc, pa += sa, pb += sb) {
                out.set(i + j, c.get(pc) != 0 ? a.get(pa) : b.get(pb));
            }
            w.nextRow();
        }
    }

    @Override
    public void reduce(Reduction kind, Storage x, Layout lx, boolean[] axes, Storage out) {
        double init = switch (kind) {
            case SUM, SUM_OF_SQUARES -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
        int m = out.length();
        double[] acc = new double[m];
        java.util.Arrays.fill(acc, init);
        int[] shape = lx.shape();
        int nd = shape.length;
        // Output position of each input element: kept-dims row-major strides, 0 on reduced axes.
        int[] outStrides = new int[nd];
        int s = 1;
        for (int d = nd - 1; d >= 0; d--) {
            outStrides[d] = axes[d] ? 0 : s;
            s *= axes[d] ? 1 : shape[d];
        }
        Layout outLayout = new Layout(shape, outStrides, 0);
        int n = lx.numel();
        if (n > 0) {
            StridedWalk w = new StridedWalk(shape, lx, outLayout);
            int inner = w.innerSize();
            int sx = w.innerStride(0);
            int so = w.innerStride(1);
            for (int i = 0; i < n; i += inner) {
                int px = w.position(0);
                int po = w.position(1);
                switch (kind) {
                    case SUM -> {
                        for (int j = 0; j < inner; j++, px += sx, po += so) {
                            acc[po] += x.get(px);
                        }
                    }
                    case SUM_OF_SQUARES -> {
                        for (int j = 0; j < inner; j++, px += sx, po += so) {
                            double v = x.get(px);
                            acc[po] += v * v;
                        }
                    }
                    // Math.max / Math.min: NaN wins, and +0 is above −0 (the SIMD set's lanes agree;
                    // a plain v > acc kept whichever zero came first).
                    case MAX -> {
                        for (int j = 0; j < inner; j++, px += sx, po += so) {
                            acc[po] = Math.max(acc[po], x.get(px));
                        }
                    }
                    case MIN -> {
                        for (int j = 0; j < inner; j++, px += sx, po += so) {
                            acc[po] = Math.min(acc[po], x.get(px));
                        }
                    }
                }
                w.nextRow();
            }
        }
        for (int i = 0; i < m; i++) {
            out.set(i, acc[i]);
        }
    }

    @Override
    public void argReduce(boolean max, Storage x, Layout lx, int axis, Storage out) {
        int[] shape = lx.shape();
        int len = shape[axis];
        int stride = lx.strides()[axis];
        int[] outerShape = shape.clone();
        outerShape[axis] = 1;
        Layout outer = new Layout(outerShape, lx.strides(), lx.offset());
        int m = out.length();
        if (m == 0) {
            return;
        }
        StridedWalk w = new StridedWalk(outerShape, outer);
        int inner = w.innerSize();
        int si = w.innerStride(0);
        int o = 0;
        for (int i = 0; i < m; i += inner) {
            int p = w.position(0);
            for (int j = 0; j < inner; j++, p += si) {
                int best = 0;
                double bv = x.get(p);
                for (int t = 1; t < len && !Double.isNaN(bv); t++) {
                    double v = x.get(p + t * stride);
                    if (Double.isNaN(v) || (max ? v > bv : v < bv)) {
                        best = t;
                        bv = v;
                    }
                }
                out.set(o++, best);
            }
            w.nextRow();
        }
    }

    @Override
    public void matmul(Storage a, int aOff, int aRowStride, int aColStride,
                       Storage b, int bOff, int bRowStride, int bColStride,
                       Storage c, int cOff, int m, int k, int n) {
        if (a instanceof Storage.F64(double[] ad, _) && b instanceof Storage.F64(double[] bd, _) && c instanceof Storage.F64(double[] cd, _)) {
            // Direct array access for float64 (small matrices spend most time in Storage calls otherwise);
            // same summation order as the general loop below, so the same bits.
            for (int i = 0; i < m; i++) {
                int rowC = cOff + i * n;
                java.util.Arrays.fill(cd, rowC, rowC + n, 0.0);
                int pa = aOff + i * aRowStride;
                for (int p = 0; p < k; p++, pa += aColStride) {
                    double av = ad[pa];
                    int pb = bOff + p * bRowStride;
                    for (int j = 0; j < n; j++, pb += bColStride) {
                        cd[rowC + j] += av * bd[pb];
                    }
                }
            }
            return;
        }
        double[] row = new double[n];
        if (a instanceof Storage.F32(float[] af, _) && b instanceof Storage.F32(float[] bf, _) && c instanceof Storage.F32(float[] cf, _)) {
            // float32 on arrays: the general loop below with its Storage calls written out (same bits).
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(row, 0.0);
                int pa = aOff + i * aRowStride;
                for (int p = 0; p < k; p++, pa += aColStride) {
                    double av = af[pa];
                    int pb = bOff + p * bRowStride;
                    for (int j = 0; j < n; j++, pb += bColStride) {
                        row[j] += av * bf[pb];
                    }
                }
                int rowC = cOff + i * n;
                for (int j = 0; j < n; j++) {
                    cf[rowC + j] = (float) row[j];
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0.0);
            for (int p = 0; p < k; p++) {
                double av = a.get(aOff + i * aRowStride + p * aColStride);
                int pb = bOff + p * bRowStride;
                for (int j = 0; j < n; j++, pb += bColStride) {
                    row[j] += av * b.get(pb);
                }
            }
            for (int j = 0; j < n; j++) {
                c.set(cOff + i * n + j, row[j]);
            }
        }
    }
}
