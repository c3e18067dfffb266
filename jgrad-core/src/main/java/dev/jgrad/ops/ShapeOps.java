package dev.jgrad.ops;

import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.Batching;
import dev.jgrad.kernels.KernelProvider;
import dev.jgrad.tensor.NDArray;
import dev.jgrad.tensor.Shapes;

import java.util.Arrays;

import static dev.jgrad.autograd.TensorAccess.value;

/**
 * Shape ops: all linear, most of them zero-copy views. JVP = the op applied to the tangent;
 * VJP = its transpose (reshape ↔ reshape back, permute ↔ inverse permute, broadcast ↔ sum to
 * shape, slice ↔ scatter into zeros).
 */
public final class ShapeOps {
    private ShapeOps() {
    }

    public static Tensor reshape(Tensor x, int[] shape) {
        int[] target = resolveShape("reshape", x.shape(), shape);
        int[] from = x.shape();
        Tensor[] inputs = {x};
        return Autograd.record("reshape", value(x).reshape(target), inputs,
                (y, t) -> t[0].reshape(target), (y, g) -> new Tensor[] {g.reshape(from)});
    }

    /** Resolves one −1 entry and checks the element count. */
    static int[] resolveShape(String op, int[] from, int[] shape) {
        int[] target = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be -1, got " + Arrays.toString(shape)
                            + " for input shape " + Shapes.str(from));
                }
                infer = i;
            } else if (target[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid dimension " + target[i] + " at axis " + i + " in "
                        + Arrays.toString(shape) + " for input shape " + Shapes.str(from));
            } else {
                // Saturates instead of overflowing: any count past n is refused below, and a 0 still gives 0.
                known = known > Long.MAX_VALUE / Math.max(target[i], 1) ? Long.MAX_VALUE : known * target[i];
            }
        }
        long n = Shapes.numelLong(from);
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer -1 in " + Arrays.toString(shape)
                        + " for input shape " + Shapes.str(from) + " with " + n + " elements");
            }
            target[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": cannot reshape input shape " + Shapes.str(from) + " (" + n
                    + " elements) to " + Arrays.toString(shape) + " (" + (known == Long.MAX_VALUE ? "over 2^63" : known)
                    + " elements)");
        }
        return target;
    }

    public static Tensor flatten(Tensor x, int start, int end) {
        int[] s = x.shape();
        if (s.length == 0) {
            return reshape(x, new int[] {1});
        }
        int a = Shapes.axis("flatten", start, s);
        int b = Shapes.axis("flatten", end, s);
        if (a > b) {
            throw new IllegalArgumentException("flatten: start axis " + start + " comes after end axis " + end
                    + " for shape " + Shapes.str(s));
        }
        int[] target = new int[s.length - (b - a)];
        int j = 0;
        for (int i = 0; i < a; i++) {
            target[j++] = s[i];
        }
        long merged = 1;
        for (int i = a; i <= b; i++) {
            merged *= s[i];
        }
        target[j++] = (int) merged;
        for (int i = b + 1; i < s.length; i++) {
            target[j++] = s[i];
        }
        return reshape(x, target);
    }

    public static Tensor permute(Tensor x, int[] perm) {
        int[] s = x.shape();
        if (perm.length != s.length) {
            throw new IllegalArgumentException("permute: permutation " + Arrays.toString(perm) + " has " + perm.length
                    + " entries for shape " + Shapes.str(s) + " of rank " + s.length);
        }
        int[] p = new int[perm.length];
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            p[i] = Shapes.axis("permute", perm[i], s);
            if (seen[p[i]]) {
                throw new IllegalArgumentException("permute: axis " + perm[i] + " repeats in " + Arrays.toString(perm)
                        + " for shape " + Shapes.str(s));
            }
            seen[p[i]] = true;
        }
        int[] inverse = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inverse[p[i]] = i;
        }
        Tensor[] inputs = {x};
        return Autograd.record("permute", value(x).permute(p), inputs,
                (y, t) -> t[0].permute(p), (y, g) -> new Tensor[] {g.permute(inverse)});
    }

    public static Tensor transpose(Tensor x, int a, int b) {
        int[] s = x.shape();
        if (s.length < 2 && (a == -2 || b == -2)) {
            throw new IllegalArgumentException("transpose: needs at least 2 axes to swap the last two, got shape "
                    + Shapes.str(s));
        }
        int da = Shapes.axis("transpose", a, s);
        int db = Shapes.axis("transpose", b, s);
        int[] perm = new int[s.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[da] = db;
        perm[db] = da;
        return permute(x, perm);
    }

    /** Removes the given size-1 axis, or every size-1 axis when {@code axis} is null. */
    public static Tensor squeeze(Tensor x, Integer axis) {
        int[] s = x.shape();
        boolean[] drop = new boolean[s.length];
        if (axis == null) {
            for (int i = 0; i < s.length; i++) {
                drop[i] = s[i] == 1;
            }
        } else {
            int d = Shapes.axis("squeeze", axis, s);
            if (s[d] != 1) {
                throw new IllegalArgumentException("squeeze: axis " + axis + " has size " + s[d] + ", not 1, in shape "
                        + Shapes.str(s));
            }
            drop[d] = true;
        }
        Tensor[] inputs = {x};
        int[] target = value(x).squeeze(drop).shape();
        return Autograd.record("squeeze", value(x).squeeze(drop), inputs,
                (y, t) -> t[0].reshape(target), (y, g) -> new Tensor[] {g.reshape(s)});
    }

    public static Tensor unsqueeze(Tensor x, int axis) {
        int[] s = x.shape();
        int d = Shapes.axis("unsqueeze", axis, s.length + 1, s);
        NDArray v = value(x).unsqueeze(d);
        int[] target = v.shape();
        Tensor[] inputs = {x};
        return Autograd.record("unsqueeze", v, inputs,
                (y, t) -> t[0].reshape(target), (y, g) -> new Tensor[] {g.reshape(s)});
    }

    public static Tensor broadcastTo(Tensor x, int[] shape) {
        return broadcastTo("broadcastTo", x, shape);
    }

    /** broadcastTo whose errors name {@code op} (expand reports as itself). */
    private static Tensor broadcastTo(String op, Tensor x, int[] shape) {
        int[] s = x.shape();
        if (!Shapes.broadcastsTo(s, shape)) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(s) + " cannot be broadcast to "
                    + Shapes.str(shape));
        }
        Shapes.numel(op, shape);
        if (Arrays.equals(s, shape)) {
            return x;
        }
        int[] target = shape.clone();
        Tensor[] inputs = {x};
        return Autograd.record("broadcastTo", value(x).broadcastTo(target), inputs,
                (y, t) -> t[0].broadcastTo(target), (y, g) -> new Tensor[] {sumTo(g, s)});
    }

    public static Tensor expand(Tensor x, int[] shape) {
        int[] s = x.shape();
        int[] target = shape.clone();
        int lead = target.length - s.length;
        if (lead < 0) {
            throw new IllegalArgumentException("expand: target " + Arrays.toString(shape) + " has fewer axes than shape "
                    + Shapes.str(s));
        }
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (i < lead) {
                    throw new IllegalArgumentException("expand: -1 is not allowed at new leading axis " + i + " in "
                            + Arrays.toString(shape) + " for shape " + Shapes.str(s));
                }
                target[i] = s[i - lead];
            }
        }
        return broadcastTo("expand", x, target);
    }

    /**
     * Sums {@code g} over broadcast axes so it has {@code shape} (the transpose of broadcasting).
     * Inside a batched element-wise reverse rule ({@link Batching#leadingAxes()} = k) the first k
     * axes of {@code g} are batch directions and are kept. {@code shape} is only read (callers may
     * pass a tensor's own shape array).
     */
    public static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = value(g).shapeRef(); // read only
        int k = Math.min(Batching.leadingAxes(), gs.length);
        int[] target = shape;
        if (k > 0) {
            target = new int[k + shape.length];
            System.arraycopy(gs, 0, target, 0, k);
            System.arraycopy(shape, 0, target, k, shape.length);
        }
        if (Arrays.equals(gs, target)) {
            return g;
        }
        int lead = gs.length - target.length;
        int count = 0;
        int[] axes = new int[gs.length];
        for (int i = k; i < gs.length; i++) {
            if (i < k + lead || (target[i - lead] == 1 && gs[i] != 1)) {
                axes[count++] = i;
            }
        }
        Tensor summed = count == 0 ? g : g.sum(Arrays.copyOf(axes, count), true);
        return summed.reshape(target);
    }

    public static Tensor slice(Tensor x, int axis, int start, int stop, int step) {
        int[] s = x.shape();
        int d = Shapes.axis("slice", axis, s);
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step + " on axis " + axis
                    + " of shape " + Shapes.str(s));
        }
        int n = s[d];
        int from = clampIndex(start, n);
        int to = Math.max(from, clampIndex(stop, n));
        Tensor[] inputs = {x};
        return Autograd.record("slice", value(x).slice(d, from, to, step), inputs,
                (y, t) -> t[0].slice(d, from, to, step),
                (y, g) -> new Tensor[] {sliceScatter(g, s, d, from, step)});
    }

    private static int clampIndex(int i, int n) {
        int j = i < 0 ? i + n : i;
        return Math.max(0, Math.min(n, j));
    }

    /**
     * Zeros of {@code shape} with {@code src} written at positions {@code start, start+step, …}
     * along {@code axis}: the transpose of slice (its own transpose is slice again).
     */
    static Tensor sliceScatter(Tensor src, int[] shape, int axis, int start, int step) {
        NDArray zeros = NDArray.zeros(src.dtype(), shape);
        int len = src.shape()[axis];
        NDArray target = zeros.slice(axis, start, start + (len - 1) * step + 1, step);
        if (len > 0) {
            KernelProvider.get().copyInto(value(src).storage(), value(src).layout(), zeros.storage(), target.layout());
        }
        Tensor[] inputs = {src};
        return Autograd.record("sliceScatter", zeros, inputs,
                (y, t) -> sliceScatter(t[0], shape, axis, start, step),
                (y, g) -> new Tensor[] {g.slice(axis, start, start + (len - 1) * step + 1, step)});
    }

    public static Tensor contiguous(Tensor x) {
        if (x.isContiguous()) {
            return x;
        }
        Tensor[] inputs = {x};
        return Autograd.record("contiguous", value(x).contiguous(), inputs,
                (y, t) -> t[0], (y, g) -> new Tensor[] {g});
    }
}
