package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.AutogradMeta;
import dev.jgrad.autograd.GradMode;
import dev.jgrad.autograd.Node;
import dev.jgrad.autograd.ReverseEngine;
import dev.jgrad.autograd.TensorAccess;
import dev.jgrad.ops.Creation;
import dev.jgrad.ops.Joins;
import dev.jgrad.ops.Linalg;
import dev.jgrad.ops.Losses;
import dev.jgrad.ops.Reductions;
import dev.jgrad.ops.ShapeOps;
import dev.jgrad.ops.BinaryOps;
import dev.jgrad.ops.UnaryOps;
import dev.jgrad.tensor.Format;
import dev.jgrad.tensor.NDArray;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * An immutable n-dimensional real array (float64 or float32) that takes part in automatic
 * differentiation.
 *
 * <p>Values never change after creation; views (reshape, permute, slice, broadcast) share storage.
 * A tensor created with {@link #requiresGrad(boolean) requiresGrad(true)} is a leaf whose gradient
 * {@link #grad()} has its own shape; every op on it is recorded, and {@link #backward()} fills the
 * leaves' gradients by the chain rule. Binary ops broadcast as NumPy does. Axes may be negative
 * (counted from the end). Bad input raises {@link IllegalArgumentException} naming the op, the
 * shapes and the offending axis or value.
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(42, 3, 2).requiresGrad(true);
 * Tensor x = Tensor.of(new double[] {1, 2, 3}, 1, 3);
 * Tensor loss = x.matmul(w).tanh().sum();
 * loss.backward();
 * w.grad();   // d loss / d w, shape [3, 2]
 * }</pre>
 */
public final class Tensor {
    private final NDArray value;
    private final AutogradMeta meta = new AutogradMeta();

    private Tensor(NDArray value) {
        this.value = value;
    }

    static {
        // The op and engine layers reach a tensor's value and autodiff state through this door
        // (in a non-exported package), so neither is part of the public API.
        TensorAccess.install(new TensorAccess.Hooks() {
            @Override
            public Tensor wrap(NDArray v) {
                return new Tensor(v);
            }

            @Override
            public NDArray value(Tensor t) {
                return t.value;
            }

            @Override
            public AutogradMeta meta(Tensor t) {
                return t.meta;
            }
        });
    }

    // ------------------------------------------------------------------ creation

    /** A float64 tensor of the given shape holding {@code data} in row-major order (copied). */
    public static Tensor of(double[] data, int... shape) {
        return Creation.of(data, shape);
    }

    /** A float32 tensor of the given shape holding {@code data} in row-major order (copied). */
    public static Tensor of(float[] data, int... shape) {
        return Creation.of(data, shape);
    }

    /** A 1-D float64 tensor holding {@code data} (copied). */
    public static Tensor of(double... data) {
        return Creation.of(data, new int[] {data.length});
    }

    /** A 2-D float64 tensor from rows of equal length (copied). */
    public static Tensor of(double[][] rows) {
        return Creation.of(rows);
    }

    /** A 0-d float64 tensor. */
    public static Tensor scalar(double v) {
        return Creation.full(v, DType.FLOAT64, new int[0]);
    }

    /** A 0-d tensor of the given dtype. */
    public static Tensor scalar(double v, DType dtype) {
        return Creation.full(v, dtype, new int[0]);
    }

    /** float64 zeros of the given shape. */
    public static Tensor zeros(int... shape) {
        return Creation.full(0, DType.FLOAT64, shape);
    }

    /** Zeros of the given dtype and shape. */
    public static Tensor zeros(DType dtype, int... shape) {
        return Creation.full(0, dtype, shape);
    }

    /** float64 ones of the given shape. */
    public static Tensor ones(int... shape) {
        return Creation.full(1, DType.FLOAT64, shape);
    }

    /** Ones of the given dtype and shape. */
    public static Tensor ones(DType dtype, int... shape) {
        return Creation.full(1, dtype, shape);
    }

    /** A float64 tensor of the given shape filled with {@code v}. */
    public static Tensor full(double v, int... shape) {
        return Creation.full(v, DType.FLOAT64, shape);
    }

    /** A tensor of the given dtype and shape filled with {@code v}. */
    public static Tensor full(double v, DType dtype, int... shape) {
        return Creation.full(v, dtype, shape);
    }

    /** Zeros with the shape and dtype of {@code like}. */
    public static Tensor zerosLike(Tensor like) {
        return Creation.full(0, like.dtype(), like.value.shapeRef());
    }

    /** Ones with the shape and dtype of {@code like}. */
    public static Tensor onesLike(Tensor like) {
        return Creation.full(1, like.dtype(), like.value.shapeRef());
    }

    /** {@code v} everywhere, with the shape and dtype of {@code like}. */
    public static Tensor fullLike(Tensor like, double v) {
        return Creation.full(v, like.dtype(), like.value.shapeRef());
    }

    /** {@code [0, 1, …, end-1]} as float64 (end may be fractional: values below end). */
    public static Tensor arange(double end) {
        return Creation.arange(0, end, 1);
    }

    /** Values {@code start, start+step, …} strictly before {@code end} (step may be negative, not 0). */
    public static Tensor arange(double start, double end, double step) {
        return Creation.arange(start, end, step);
    }

    /** {@code steps} evenly spaced values from {@code start} to {@code end} inclusive. */
    public static Tensor linspace(double start, double end, int steps) {
        return Creation.linspace(start, end, steps);
    }

    /** The n×n identity matrix (float64). */
    public static Tensor eye(int n) {
        return Creation.eye(n, n);
    }

    /** The n×m matrix with ones on the main diagonal (float64). */
    public static Tensor eye(int n, int m) {
        return Creation.eye(n, m);
    }

    /** Uniform samples in [0, 1) (float64), reproducible from {@code seed}. */
    public static Tensor rand(long seed, int... shape) {
        return Creation.rand(Creation.generator(seed), DType.FLOAT64, shape);
    }

    /** Uniform samples in [0, 1) drawn from {@code rng}. */
    public static Tensor rand(RandomGenerator rng, DType dtype, int... shape) {
        return Creation.rand(rng, dtype, shape);
    }

    /** Standard normal samples (float64), reproducible from {@code seed}. */
    public static Tensor randn(long seed, int... shape) {
        return Creation.randn(Creation.generator(seed), DType.FLOAT64, shape);
    }

    /** Standard normal samples drawn from {@code rng}. */
    public static Tensor randn(RandomGenerator rng, DType dtype, int... shape) {
        return Creation.randn(rng, dtype, shape);
    }

    // ------------------------------------------------------------------ properties

    /** The shape (a copy). */
    public int[] shape() {
        return value.shape();
    }

    /** Size of one axis (negative counts from the end). */
    public int size(int axis) {
        return value.shapeRef()[dev.jgrad.tensor.Shapes.axis("size", axis, value.shapeRef())];
    }

    /** Number of axes. */
    public int ndim() {
        return value.ndim();
    }

    /** Number of elements. */
    public int numel() {
        return value.numel();
    }

    /** Element type. */
    public DType dtype() {
        return value.dtype();
    }

    /** True when elements are stored densely in row-major order (views may not be). */
    public boolean isContiguous() {
        return value.isContiguous();
    }

    /**
     * Computes this tensor's elements now if they are still deferred, and returns this tensor.
     * Element-wise results of at least 32,768 elements (tunable with
     * {@code -Djgrad.fusion.minElements}, {@code 0} = off) are not computed when the op runs:
     * a chain of element-wise ops — and the reverse and forward rules of such a chain — is computed
     * in one pass over memory when its result is first read (by any op or accessor), with exactly
     * the values op-by-op evaluation gives. Like JAX's {@code block_until_ready()}, only timing code
     * needs to call this.
     */
    public Tensor evaluate() {
        value.storage();
        return this;
    }

    /** The single element of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + dev.jgrad.tensor.Shapes.str(value.shapeRef())
                    + " has " + numel() + " elements; item() needs exactly one");
        }
        return value.toDoubleArray()[0];
    }

    /** Element at a multi-index (negative indices count from the end). */
    public double get(int... index) {
        return Creation.element(this, index);
    }

    /** All elements in row-major order. */
    public double[] toDoubleArray() {
        return value.toDoubleArray();
    }

    /** All elements in row-major order, rounded to float. */
    public float[] toFloatArray() {
        return value.toFloatArray();
    }

    /**
     * Declares that this tensor's elements will not be read again, so that jgrad may reuse their
     * memory for the next result of the same size and dtype — what PyTorch's allocator does when a
     * tensor is freed, and JAX's {@code Array.delete()} or buffer donation asks for. A new Java
     * array is memory no cache holds, and its first writes cost a matrix product of 64×64 float64
     * a sixth of its time on the benchmark machine; the array of a tensor released a moment ago is
     * still in cache (README, "Speed"). Optional: without it the garbage collector frees the
     * memory as usual.
     *
     * <p>Releasing ends the elements for every tensor that shares them: this one, its views
     * (reshape, transpose, slice, expand, detach …), the tensor it is a view of, and a graph that
     * saved it for backward. Reading any of them afterwards throws {@link IllegalStateException}
     * (its {@code toString()} shows {@code <released>}); shape and dtype stay readable. A pending
     * element-wise expression that reads the elements (jgrad defers those on large tensors) is
     * computed before they go, so {@code y = x.exp(); x.release();} leaves y intact. Releasing
     * again does nothing. Call it only after the last use, on the thread of that use or after
     * it (as {@code close()}). jgrad keeps at most four arrays per size and 1/32 of the heap in all
     * for reuse; arrays under 256 elements are left to the garbage collector.
     */
    public void release() {
        value.release();
    }

    /** True once {@link #release()} ended this tensor's elements (through it or a tensor sharing them). */
    public boolean isReleased() {
        return value.isReleased();
    }

    /**
     * True when shapes are equal and every element satisfies {@code |a - b| <= atol + rtol·|b|}
     * (NaNs in the same places count as equal).
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        return Creation.allClose(this, other, rtol, atol);
    }

    /** {@link #allClose(Tensor, double, double)} with rtol 1e-5, atol 1e-8 (NumPy's defaults). */
    public boolean allClose(Tensor other) {
        return allClose(other, 1e-5, 1e-8);
    }

    /** PyTorch-style rendering, e.g. {@code tensor([[1.0000, 2.0000]], dtype=float64)}; summarised when large. */
    @Override
    public String toString() {
        return Format.format(value, requiresGrad(), opName());
    }

    // ------------------------------------------------------------------ autograd

    /** True when this tensor is recorded for (or is a leaf of) reverse-mode differentiation. */
    public boolean requiresGrad() {
        return meta.requiresGrad();
    }

    /**
     * Marks this leaf as a variable whose gradient backward() should fill, and returns it.
     * Only leaves (tensors not produced by a recorded op) can change this flag.
     */
    public Tensor requiresGrad(boolean requires) {
        if (meta.gradFn() != null) {
            throw new IllegalArgumentException("requiresGrad: only leaf tensors can change requiresGrad; this tensor of shape "
                    + dev.jgrad.tensor.Shapes.str(value.shapeRef()) + " was produced by '" + meta.gradFn().op()
                    + "' (use detach() to make a leaf)");
        }
        meta.setRequiresGrad(requires);
        return this;
    }

    /**
     * The accumulated gradient, of this tensor's shape: zeros until a backward pass reaches this
     * tensor. Null only when the tensor does not require a gradient.
     */
    public Tensor grad() {
        if (meta.grad() == null && meta.requiresGrad()) {
            meta.setGrad(zerosLike(this));
        }
        return meta.grad();
    }

    /**
     * Resets the accumulated gradient to zeros: {@link #grad()} reads zeros until the next backward
     * pass, which then stores its gradient instead of adding it to zeros (as PyTorch's
     * {@code zero_grad()} with {@code set_to_none}: no pass over the parameter's elements).
     */
    public void zeroGrad() {
        meta.setGrad(null);
    }

    /** True for tensors not produced by a recorded op. */
    public boolean isLeaf() {
        return meta.gradFn() == null;
    }

    /** Name of the recorded op that produced this tensor ("mul", "sum", …), or null for a leaf. */
    public String opName() {
        Node n = meta.gradFn();
        return n == null ? null : n.op();
    }

    /** Asks an intermediate (non-leaf) tensor to keep its gradient after backward; returns this. */
    public Tensor retainGrad() {
        Autograd.retainGrad(this);
        return this;
    }

    /** The same values, cut from the graph: a leaf that does not require a gradient. */
    public Tensor detach() {
        return new Tensor(value);
    }

    /**
     * Backpropagates from this tensor. For a scalar the seed is 1; for a non-scalar output the
     * seed is an all-ones tensor of its shape (one element seen through a broadcast view, so
     * nothing is filled per element), so each leaf receives the gradient of {@code this.sum()}.
     * Gradients accumulate into {@link #grad()} until {@link #zeroGrad()}; the graph is released
     * afterwards.
     */
    public void backward() {
        backward(null, false, false);
    }

    /** Backpropagates the cotangent {@code seed} (same shape as this tensor). */
    public void backward(Tensor seed) {
        backward(seed, false, false);
    }

    /**
     * Backpropagates {@code seed} (null for the default all-ones seed). With {@code retainGraph}
     * the graph can be traversed again; with {@code createGraph} the backward pass is itself
     * recorded, so gradients can be differentiated again (grad of grad).
     */
    public void backward(Tensor seed, boolean retainGraph, boolean createGraph) {
        // The default seed of ones is one element seen through a broadcast view: nothing to fill or read per element.
        ReverseEngine.backward(this, seed == null ? Creation.broadcastFull(1, dtype(), shape()) : seed,
                retainGraph || createGraph, createGraph);
    }

    /** Turns graph recording off for the current thread until the returned scope closes. */
    public static GradScope noGrad() {
        return new GradScope(false);
    }

    /** Turns graph recording on for the current thread until the returned scope closes. */
    public static GradScope enableGrad() {
        return new GradScope(true);
    }

    /** True when ops on this thread are currently recorded. */
    public static boolean isGradEnabled() {
        return GradMode.isEnabled();
    }

    // ------------------------------------------------------------------ dtype and layout

    /** This tensor converted to {@code dtype} (differentiable; this tensor when already of that dtype). */
    public Tensor to(DType dtype) {
        if (dtype == null) {
            throw new IllegalArgumentException("to: dtype is null (tensor shape " + dev.jgrad.tensor.Shapes.str(value.shapeRef()) + ")");
        }
        return UnaryOps.cast(this, dtype);
    }

    /** A row-major copy when this tensor is a non-contiguous view (differentiable). */
    public Tensor contiguous() {
        return ShapeOps.contiguous(this);
    }

    // ------------------------------------------------------------------ element-wise unary

    /** −x. */
    public Tensor neg() { return UnaryOps.neg(this); }
    /** |x|; derivative sign(x), with |x|'(0) = 0. */
    public Tensor abs() { return UnaryOps.abs(this); }
    /** sign(x) ∈ {−1, 0, 1}; derivative 0. */
    public Tensor sign() { return UnaryOps.sign(this); }
    /** eˣ. */
    public Tensor exp() { return UnaryOps.exp(this); }
    /** eˣ − 1, accurate near 0. */
    public Tensor expm1() { return UnaryOps.expm1(this); }
    /** Natural logarithm; domain x &gt; 0 (0 gives −inf, negative gives NaN). */
    public Tensor log() { return UnaryOps.log(this); }
    /** log(1 + x), accurate near 0; domain x &gt; −1. */
    public Tensor log1p() { return UnaryOps.log1p(this); }
    /** √x; domain x ≥ 0, with sqrt'(0) = +inf. */
    public Tensor sqrt() { return UnaryOps.sqrt(this); }
    /** x². */
    public Tensor square() { return UnaryOps.square(this); }
    /** 1/x; domain x ≠ 0. */
    public Tensor reciprocal() { return UnaryOps.reciprocal(this); }
    /** sin x. */
    public Tensor sin() { return UnaryOps.sin(this); }
    /** cos x. */
    public Tensor cos() { return UnaryOps.cos(this); }
    /** tan x; derivative 1 + tan²x. */
    public Tensor tan() { return UnaryOps.tan(this); }
    /** tanh x; derivative 1 − tanh²x. */
    public Tensor tanh() { return UnaryOps.tanh(this); }
    /** 1 / (1 + e⁻ˣ), computed without overflow; derivative σ(1 − σ). */
    public Tensor sigmoid() { return UnaryOps.sigmoid(this); }
    /** max(x, 0); relu'(0) = 0. */
    public Tensor relu() { return UnaryOps.relu(this); }
    /** x for x &gt; 0, slope·x otherwise; derivative at 0 is slope. */
    public Tensor leakyRelu(double slope) { return UnaryOps.leakyRelu(this, slope); }
    /** log(1 + eˣ), computed without overflow; derivative σ(x). */
    public Tensor softplus() { return UnaryOps.softplus(this); }
    /** x·σ(x) (SiLU, also called swish). */
    public Tensor silu() { return UnaryOps.silu(this); }
    /** The same as {@link #silu()}. */
    public Tensor swish() { return UnaryOps.silu(this); }
    /**
     * GELU, tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (PyTorch's
     * {@code approximate="tanh"}, JAX's default), computed as the equal x·σ(2√(2/π)(x + 0.044715x³)),
     * which keeps its digits for negative x where 1 + tanh cancels.
     */
    public Tensor gelu() { return UnaryOps.gelu(this); }

    // ------------------------------------------------------------------ element-wise binary (broadcasting)

    /** this + other. */
    public Tensor add(Tensor other) { return BinaryOps.add(this, operand("add", other)); }
    /** this − other. */
    public Tensor sub(Tensor other) { return BinaryOps.sub(this, operand("sub", other)); }
    /** this · other (element-wise). */
    public Tensor mul(Tensor other) { return BinaryOps.mul(this, operand("mul", other)); }
    /** this / other. */
    public Tensor div(Tensor other) { return BinaryOps.div(this, operand("div", other)); }
    /** thisᵒᵗʰᵉʳ; the gradient for the exponent needs this &gt; 0 (it is 0 where this = 0). */
    public Tensor pow(Tensor exponent) { return BinaryOps.pow(this, operand("pow", exponent)); }
    /** Element-wise maximum; ties send half the gradient to each side. */
    public Tensor maximum(Tensor other) { return BinaryOps.maximum(this, operand("maximum", other)); }
    /** Element-wise minimum; ties send half the gradient to each side. */
    public Tensor minimum(Tensor other) { return BinaryOps.minimum(this, operand("minimum", other)); }
    /** this + c; c first takes this tensor's dtype (float32: the float nearest c), as in PyTorch. */
    public Tensor add(double c) { return BinaryOps.addScalar(this, c); }
    /** this − c; c first takes this tensor's dtype. */
    public Tensor sub(double c) { return BinaryOps.addScalar(this, -c); }
    /** this · c; c first takes this tensor's dtype (float32: the float nearest c), as in PyTorch. */
    public Tensor mul(double c) { return BinaryOps.mulScalar(this, c); }
    /** this · (1/c), 1/c taking this tensor's dtype first. */
    public Tensor div(double c) { return BinaryOps.mulScalar(this, 1.0 / c); }
    /** thisᶜ for a constant exponent c. */
    public Tensor pow(double c) { return BinaryOps.powScalar(this, c); }
    /** Limits every element to [min, max]; the gradient passes where min ≤ x ≤ max. */
    public Tensor clamp(double min, double max) { return BinaryOps.clamp(this, min, max); }

    /** Picks {@code a} where {@code condition} is non-zero and {@code b} elsewhere (all three broadcast). */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return BinaryOps.where(argument("where", "condition", condition), argument("where", "a", a), argument("where", "b", b));
    }

    /** Mask (1 where this &gt; other, else 0); not differentiable. */
    public Tensor gt(Tensor other) { return BinaryOps.compare("gt", this, operand("gt", other)); }
    /** Mask of this ≥ other. */
    public Tensor ge(Tensor other) { return BinaryOps.compare("ge", this, operand("ge", other)); }
    /** Mask of this &lt; other. */
    public Tensor lt(Tensor other) { return BinaryOps.compare("lt", this, operand("lt", other)); }
    /** Mask of this ≤ other. */
    public Tensor le(Tensor other) { return BinaryOps.compare("le", this, operand("le", other)); }
    /** Mask of this = other. */
    public Tensor eq(Tensor other) { return BinaryOps.compare("eq", this, operand("eq", other)); }
    /** Mask of this &gt; c. */
    public Tensor gt(double c) { return gt(scalar(c, dtype())); }
    /** Mask of this ≥ c. */
    public Tensor ge(double c) { return ge(scalar(c, dtype())); }
    /** Mask of this &lt; c. */
    public Tensor lt(double c) { return lt(scalar(c, dtype())); }
    /** Mask of this ≤ c. */
    public Tensor le(double c) { return le(scalar(c, dtype())); }
    /** Mask of this = c. */
    public Tensor eq(double c) { return eq(scalar(c, dtype())); }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements (0-d). */
    public Tensor sum() { return Reductions.sum(this, null, false); }
    /** Sum over the given axes (all when none), dropping them unless {@code keepDims}. */
    public Tensor sum(int[] axes, boolean keepDims) { return Reductions.sum(this, axes, keepDims); }
    /** Sum over one axis. */
    public Tensor sum(int axis) { return Reductions.sum(this, new int[] {axis}, false); }
    /** Sum over one axis, keeping it as size 1 when {@code keepDims}. */
    public Tensor sum(int axis, boolean keepDims) { return Reductions.sum(this, new int[] {axis}, keepDims); }

    /** Mean of all elements (NaN for an empty tensor). */
    public Tensor mean() { return Reductions.mean(this, null, false); }
    /** Mean over the given axes. */
    public Tensor mean(int[] axes, boolean keepDims) { return Reductions.mean(this, axes, keepDims); }
    /** Mean over one axis. */
    public Tensor mean(int axis) { return Reductions.mean(this, new int[] {axis}, false); }
    /** Mean over one axis, keeping it when {@code keepDims}. */
    public Tensor mean(int axis, boolean keepDims) { return Reductions.mean(this, new int[] {axis}, keepDims); }

    /** Maximum of all elements; ties share the gradient evenly. Refused on empty tensors. */
    public Tensor max() { return Reductions.max(this, null, false); }
    /** Maximum over the given axes. */
    public Tensor max(int[] axes, boolean keepDims) { return Reductions.max(this, axes, keepDims); }
    /** Maximum over one axis. */
    public Tensor max(int axis) { return Reductions.max(this, new int[] {axis}, false); }
    /** Maximum over one axis, keeping it when {@code keepDims}. */
    public Tensor max(int axis, boolean keepDims) { return Reductions.max(this, new int[] {axis}, keepDims); }

    /** Minimum of all elements; ties share the gradient evenly. Refused on empty tensors. */
    public Tensor min() { return Reductions.min(this, null, false); }
    /** Minimum over the given axes. */
    public Tensor min(int[] axes, boolean keepDims) { return Reductions.min(this, axes, keepDims); }
    /** Minimum over one axis. */
    public Tensor min(int axis) { return Reductions.min(this, new int[] {axis}, false); }
    /** Minimum over one axis, keeping it when {@code keepDims}. */
    public Tensor min(int axis, boolean keepDims) { return Reductions.min(this, new int[] {axis}, keepDims); }

    /** log Σ eˣ over all elements, computed stably (shifted by the maximum). */
    public Tensor logsumexp() { return Reductions.logsumexp(this, null, false); }
    /** log Σ eˣ over the given axes. */
    public Tensor logsumexp(int[] axes, boolean keepDims) { return Reductions.logsumexp(this, axes, keepDims); }
    /** log Σ eˣ over one axis. */
    public Tensor logsumexp(int axis) { return Reductions.logsumexp(this, new int[] {axis}, false); }

    /** Unbiased variance of all elements (correction 1, as PyTorch). */
    public Tensor var() { return Reductions.var(this, null, false, 1); }
    /** Variance over axes: Σ(x − mean)² / (N − correction). */
    public Tensor var(int[] axes, boolean keepDims, int correction) { return Reductions.var(this, axes, keepDims, correction); }
    /** Unbiased standard deviation of all elements. */
    public Tensor std() { return Reductions.std(this, null, false, 1); }
    /** Standard deviation over axes: √var. */
    public Tensor std(int[] axes, boolean keepDims, int correction) { return Reductions.std(this, axes, keepDims, correction); }

    /** Euclidean (L2) norm of all elements; its gradient at 0 is 0. */
    public Tensor norm() { return Reductions.norm(this, null, false); }
    /** L2 norm over the given axes. */
    public Tensor norm(int[] axes, boolean keepDims) { return Reductions.norm(this, axes, keepDims); }

    /** Index of the maximum of the flattened tensor (float64 0-d; not differentiable). */
    public Tensor argmax() { return Reductions.argReduce("argmax", true, this, null, false); }
    /** Indices of the maxima along {@code axis} (first one on ties; not differentiable). */
    public Tensor argmax(int axis, boolean keepDims) { return Reductions.argReduce("argmax", true, this, axis, keepDims); }
    /** Index of the minimum of the flattened tensor. */
    public Tensor argmin() { return Reductions.argReduce("argmin", false, this, null, false); }
    /** Indices of the minima along {@code axis}. */
    public Tensor argmin(int axis, boolean keepDims) { return Reductions.argReduce("argmin", false, this, axis, keepDims); }

    // ------------------------------------------------------------------ linear algebra

    /**
     * Matrix product with NumPy/PyTorch semantics: 1-D·1-D is a dot product, a 1-D operand is
     * promoted to a row (left) or column (right) and the added axis removed, and N-D operands are
     * stacks of matrices whose batch axes broadcast.
     */
    public Tensor matmul(Tensor other) { return Linalg.matmul(this, operand("matmul", other)); }
    /** Dot product of two 1-D tensors of equal length. */
    public Tensor dot(Tensor other) { return Linalg.dot(this, operand("dot", other)); }
    /** Outer product of two 1-D tensors: shape [n, m]. */
    public Tensor outer(Tensor other) { return Linalg.outer(this, operand("outer", other)); }
    /** Swaps the last two axes (a view); needs ndim ≥ 2. */
    public Tensor mT() { return ShapeOps.transpose(this, -2, -1); }

    // ------------------------------------------------------------------ shape

    /** Same elements, new shape (one entry may be −1); a view when the strides allow. */
    public Tensor reshape(int... shape) { return ShapeOps.reshape(this, ints("reshape", "shape", shape)); }
    /** Flattens to 1-D. */
    public Tensor flatten() { return ShapeOps.flatten(this, 0, -1); }
    /** Flattens axes {@code start..end} (inclusive) into one. */
    public Tensor flatten(int start, int end) { return ShapeOps.flatten(this, start, end); }
    /** Reorders axes: result axis i is input axis perm[i] (a view). */
    public Tensor permute(int... perm) { return ShapeOps.permute(this, ints("permute", "perm", perm)); }
    /** Swaps two axes (a view). */
    public Tensor transpose(int a, int b) { return ShapeOps.transpose(this, a, b); }
    /** Removes every size-1 axis (a view). */
    public Tensor squeeze() { return ShapeOps.squeeze(this, null); }
    /** Removes one axis, which must have size 1 (a view). */
    public Tensor squeeze(int axis) { return ShapeOps.squeeze(this, axis); }
    /** Inserts a size-1 axis at position {@code axis} (−ndim−1 ≤ axis ≤ ndim) (a view). */
    public Tensor unsqueeze(int axis) { return ShapeOps.unsqueeze(this, axis); }
    /** Broadcast view to {@code shape} (stride 0 on repeated axes); gradient sums back. */
    public Tensor broadcastTo(int... shape) { return ShapeOps.broadcastTo(this, ints("broadcastTo", "shape", shape)); }
    /** Like {@link #broadcastTo}, but −1 keeps an existing size (PyTorch's expand). */
    public Tensor expand(int... shape) { return ShapeOps.expand(this, ints("expand", "shape", shape)); }
    /** Elements {@code start, start+1, …} before {@code stop} along {@code axis}; indices clamp as in Python. */
    public Tensor slice(int axis, int start, int stop) { return ShapeOps.slice(this, axis, start, stop, 1); }
    /** Every {@code step}-th element from {@code start} before {@code stop} along {@code axis} (step &gt; 0). */
    public Tensor slice(int axis, int start, int stop, int step) { return ShapeOps.slice(this, axis, start, stop, step); }

    /** Joins tensors of equal shape except along {@code axis}. */
    public static Tensor concat(int axis, Tensor... tensors) { return Joins.concat(axis, tensors); }
    /** Joins tensors of equal shape except along {@code axis}. */
    public static Tensor concat(int axis, List<Tensor> tensors) { return Joins.concat(axis, list("concat", tensors)); }
    /** Stacks tensors of equal shape along a new axis. */
    public static Tensor stack(int axis, Tensor... tensors) { return Joins.stack(axis, tensors); }
    /** Stacks tensors of equal shape along a new axis. */
    public static Tensor stack(int axis, List<Tensor> tensors) { return Joins.stack(axis, list("stack", tensors)); }
    /** Splits into pieces of {@code size} along {@code axis} (the last may be smaller); views. */
    public List<Tensor> split(int size, int axis) { return Joins.split(this, size, axis); }
    /** Splits into pieces of the given sizes (which must add up to the axis length). */
    public List<Tensor> split(int[] sizes, int axis) { return Joins.split(this, sizes, axis); }
    /** Splits into {@code chunks} nearly equal pieces along {@code axis} (PyTorch's chunk). */
    public List<Tensor> chunk(int chunks, int axis) { return Joins.chunk(this, chunks, axis); }
    /** Picks the entries {@code indices} (repeats allowed, negatives count from the end) along {@code axis}. */
    public Tensor indexSelect(int axis, int... indices) { return Joins.indexSelect(this, axis, indices); }
    /**
     * {@code out[i][j][k] = this[index[i][j][k]][j][k]} for axis 0 (and likewise for other axes):
     * {@code index} has this tensor's rank, holds integral values in [0, size(axis)), and
     * {@code index.size(d) <= size(d)} for every other axis d (as torch.gather). The output has the
     * index's shape; the gradient scatter-adds back (repeats accumulate); the index gets none.
     */
    public Tensor gather(int axis, Tensor index) { return Joins.gather(this, axis, index); }
    /** Pads each axis d with {@code widths[d][0]} values before and {@code widths[d][1]} after. */
    public Tensor pad(int[][] widths, double value) { return Joins.pad(this, widths, value); }

    // ------------------------------------------------------------------ training building blocks

    /** e^(x − logsumexp(x)) along {@code axis}: stable softmax. */
    public Tensor softmax(int axis) { return Losses.softmax(this, axis); }
    /** x − logsumexp(x) along {@code axis}: stable log-softmax. */
    public Tensor logSoftmax(int axis) { return Losses.logSoftmax(this, axis); }
    /** Mean cross-entropy of logits [N, C] (or [C]) against class labels in [0, C). */
    public Tensor crossEntropy(int... labels) { return Losses.crossEntropy(this, labels, Reduction.MEAN); }
    /** Cross-entropy with the given reduction (NONE gives one loss per sample). */
    public Tensor crossEntropy(int[] labels, Reduction reduction) { return Losses.crossEntropy(this, labels, reduction); }
    /** Mean squared error against {@code target} (shapes broadcast). */
    public Tensor mse(Tensor target) { return Losses.mse(this, operand("mse", target), Reduction.MEAN); }
    /** Squared error with the given reduction. */
    public Tensor mse(Tensor target, Reduction reduction) { return Losses.mse(this, operand("mse", target), reduction); }
    /** Mean binary cross-entropy of logits against targets in [0, 1], computed stably. */
    public Tensor binaryCrossEntropyWithLogits(Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(this, operand("binaryCrossEntropyWithLogits", target), Reduction.MEAN);
    }
    /** Binary cross-entropy of logits with the given reduction. */
    public Tensor binaryCrossEntropyWithLogits(Tensor target, Reduction reduction) {
        return Losses.binaryCrossEntropyWithLogits(this, operand("binaryCrossEntropyWithLogits", target), reduction);
    }

    // ------------------------------------------------------------------ argument checks

    // Null checks for ops whose own family does not check (joins, indexing and losses check their
    // own list, index and label arguments).

    /** The other operand of a binary op; null is refused with the op and this tensor's shape. */
    private Tensor operand(String op, Tensor other) {
        if (other == null) {
            throw new IllegalArgumentException(op + ": the other operand is null (this tensor has shape "
                    + dev.jgrad.tensor.Shapes.str(value.shapeRef()) + ")");
        }
        return other;
    }

    private static Tensor argument(String op, String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": argument '" + name + "' is null");
        }
        return t;
    }

    private static Tensor[] list(String op, List<Tensor> tensors) {
        if (tensors == null) {
            throw new IllegalArgumentException(op + ": the tensor list is null");
        }
        return tensors.toArray(Tensor[]::new);
    }

    private int[] ints(String op, String name, int[] values) {
        if (values == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null (tensor shape "
                    + dev.jgrad.tensor.Shapes.str(value.shapeRef()) + ")");
        }
        return values;
    }
}
