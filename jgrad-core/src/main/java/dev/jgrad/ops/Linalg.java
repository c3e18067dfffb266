package dev.jgrad.ops;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.Batching;
import dev.jgrad.autograd.Rules;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Layout;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;
import dev.jgrad.tensor.Storage;

import java.util.Arrays;

import static dev.jgrad.autograd.TensorAccess.value;

/**
 * Matrix products with NumPy/PyTorch semantics. One core op, "matmul" of two operands of rank ≥ 2
 * with broadcast batch axes, carries the rules (bilinear: JVP = ȧ·b + a·ḃ, VJP = ȳ·bᵀ and aᵀ·ȳ,
 * summed back over broadcast batch axes); 1-D operands are promoted with differentiable
 * unsqueeze/squeeze around it, and dot/outer are composites.
 */
public final class Linalg {
    private Linalg() {
    }

    /**
     * torch.matmul: 1-D·1-D is the dot product (0-d); a 1-D left operand is a row [1, k] and a 1-D
     * right operand a column [k, 1], the added axis removed from the result; otherwise the last two
     * axes are matrices [m, k]·[k, n] and the batch axes before them broadcast.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        if (sa.length == 0 || sb.length == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least 1 dimension, got shapes "
                    + Shapes.str(sa) + " and " + Shapes.str(sb));
        }
        checkInner("matmul", sa, sb);
        if (sa.length == 1 && sb.length == 1) {
            return product(a.unsqueeze(0), b.unsqueeze(1)).squeeze(-1).squeeze(-1);
        }
        if (sa.length == 1) {
            return product(a.unsqueeze(0), b).squeeze(-2);
        }
        if (sb.length == 1) {
            return product(a, b.unsqueeze(1)).squeeze(-1);
        }
        return product(a, b);
    }

    /** Σᵢ aᵢ·bᵢ for two 1-D tensors of equal length (0-d result). */
    public static Tensor dot(Tensor a, Tensor b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        requireVectors("dot", sa, sb);
        if (sa[0] != sb[0]) {
            throw new IllegalArgumentException("dot: lengths differ for shapes " + Shapes.str(sa) + " and "
                    + Shapes.str(sb) + " (axis 0: " + sa[0] + " vs " + sb[0] + ")");
        }
        return matmul(a, b);
    }

    /** {@code out[i][j] = a[i]·b[j]} for 1-D a of length n and b of length m: shape [n, m]. */
    public static Tensor outer(Tensor a, Tensor b) {
        requireVectors("outer", a.shape(), b.shape());
        return a.unsqueeze(1).mul(b.unsqueeze(0));
    }

    private static void requireVectors(String op, int[] sa, int[] sb) {
        if (sa.length != 1 || sb.length != 1) {
            throw new IllegalArgumentException(op + ": both operands must be 1-D, got shapes " + Shapes.str(sa)
                    + " and " + Shapes.str(sb));
        }
    }

    /** The contracted sizes: last axis of a, and the first (1-D) or second-to-last axis of b. */
    private static void checkInner(String op, int[] sa, int[] sb) {
        int ka = sa[sa.length - 1];
        int kb = sb[sb.length == 1 ? 0 : sb.length - 2];
        if (ka != kb) {
            throw new IllegalArgumentException(op + ": inner sizes differ for shapes " + Shapes.str(sa) + " and "
                    + Shapes.str(sb) + " (axis -1 of the first is " + ka + ", axis " + (sb.length == 1 ? -1 : -2)
                    + " of the second is " + kb + ")");
        }
    }

    /** The core op: both operands of rank ≥ 2, batch axes broadcast, output dense. */
    private static Tensor product(Tensor a, Tensor b) {
        NDArray value = productValue(value(a), value(b));
        Tensor[] inputs = {a, b};
        return Autograd.record("matmul", Rules.Kind.BATCHABLE, value, inputs,
                (y, t) -> {
                    // A missing tangent is a shared zero view: skip its product instead of computing 0·B.
                    if (Batching.isZero(t[0]) && !Batching.isZero(t[1])) {
                        return product(a, t[1]);
                    }
                    if (Batching.isZero(t[1]) && !Batching.isZero(t[0])) {
                        return product(t[0], b);
                    }
                    return product(t[0], b).add(product(a, t[1]));
                },
                (y, g) -> productVjp(a, b, g));
    }

    private static Tensor[] productVjp(Tensor a, Tensor b, Tensor g) {
        if (g.numel() == 0) {
            // An empty output has zero gradients; the batched products below could be huge, e.g. [2^31-1, 1, 1, 1].
            return new Tensor[] {Tensor.zerosLike(a), Tensor.zerosLike(b)};
        }
        if (Autograd.plainValues(g, a) && Autograd.plainValues(b, b)) {
            // Nothing can differentiate this rule: the same products on raw values, without recording
            // the transposes and products as ops (same kernels, same bits).
            return new Tensor[] {
                a.requiresGrad() ? ShapeOps.sumTo(Autograd.constant(productValue(value(g), lastTwoSwapped(value(b)))), value(a).shapeRef()) : null,
                b.requiresGrad() ? ShapeOps.sumTo(Autograd.constant(productValue(lastTwoSwapped(value(a)), value(g))), value(b).shapeRef()) : null};
        }
        return new Tensor[] {
            a.requiresGrad() ? ShapeOps.sumTo(product(g, b.mT()), a.shape()) : null,
            b.requiresGrad() ? ShapeOps.sumTo(product(a.mT(), g), b.shape()) : null};
    }

    /** The view {@code x.mT()} of a value of rank ≥ 2. */
    private static NDArray lastTwoSwapped(NDArray x) {
        int n = x.ndim();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        perm[n - 2] = n - 1;
        perm[n - 1] = n - 2;
        return x.permute(perm);
    }

    private static NDArray productValue(NDArray a, NDArray b) {
        int[] sa = a.shapeRef();
        int[] sb = b.shapeRef();
        checkInner("matmul", sa, sb);
        int m = sa[sa.length - 2];
        int k = sa[sa.length - 1];
        int n = sb[sb.length - 1];
        int[] batch = broadcastBatch(sa, sb);
        int[] outShape = withMatrix(batch, m, n);
        DType dtype = DType.promote(a.dtype(), b.dtype());
        int size = resultSize(sa, sb, outShape);
        // The product writes every element of C unless the sum is empty (k = 0: zeros). Only a
        // product on one thread takes an uninitialized new C (ResultArrays): 64³ float32 split over
        // two threads measured slower with it in JMH (medians ~3.4 against ~2.3 µs, four noisy
        // pairs). Either takes a released tensor's array when one of C's length is kept.
        boolean oneThread = Parallel.threads() == 1
                || (long) size * k < Parallel.MATMUL_PARALLEL_WORK;
        Storage out = k == 0 ? Storage.allocate(dtype, size)
                : oneThread ? Storage.allocateToOverwrite(dtype, size) : Storage.allocateKeptOrZeroed(dtype, size);
        NDArray result = new NDArray(out, Layout.contiguous(outShape));
        if (out.length() == 0 || k == 0) {
            return result; // nothing to compute: empty, or an empty sum (zeros)
        }
        // Broadcast views (stride 0 on repeated batch axes): each batch reads its operands in place.
        Layout la = a.broadcastTo(withMatrix(batch, m, k)).layout();
        Layout lb = b.broadcastTo(withMatrix(batch, k, n)).layout();
        int nb = batch.length;
        int[] index = new int[nb];
        int batches = Shapes.numel(batch);
        int[] aOffs = new int[batches];
        int[] bOffs = new int[batches];
        int[] cOffs = new int[batches];
        for (int i = 0; i < batches; i++) {
            int aOff = la.offset();
            int bOff = lb.offset();
            for (int d = 0; d < nb; d++) {
                aOff += index[d] * la.strides()[d];
                bOff += index[d] * lb.strides()[d];
            }
            aOffs[i] = aOff;
            bOffs[i] = bOff;
            cOffs[i] = i * m * n;
            for (int d = nb - 1; d >= 0 && ++index[d] == batch[d]; d--) {
                index[d] = 0;
            }
        }
        Values.kernels().matmulBatched(a.storage(), aOffs, la.strides()[nb], la.strides()[nb + 1],
                b.storage(), bOffs, lb.strides()[nb], lb.strides()[nb + 1], out, cOffs, m, k, n);
        return result;
    }

    /** Element count of the product, refusing results too large for one array with both operand shapes. */
    private static int resultSize(int[] sa, int[] sb, int[] outShape) {
        try {
            return Shapes.numel(outShape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: the product of shapes " + Shapes.str(sa) + " and " + Shapes.str(sb)
                    + " is refused: its " + e.getMessage(), e);
        }
    }

    /** NumPy broadcasting of all but the last two axes; the message names both full shapes. */
    private static int[] broadcastBatch(int[] sa, int[] sb) {
        int na = sa.length - 2;
        int nb = sb.length - 2;
        int n = Math.max(na, nb);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - na ? 1 : sa[i - (n - na)];
            int db = i < n - nb ? 1 : sb[i - (n - nb)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("matmul: batch axes of shapes " + Shapes.str(sa) + " and "
                        + Shapes.str(sb) + " cannot be broadcast together (axis " + (i - n - 2) + ": " + da
                        + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    private static int[] withMatrix(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }
}
