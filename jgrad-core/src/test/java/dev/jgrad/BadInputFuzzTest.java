package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random calls of every public op with odd arguments. Each call either succeeds with a
 * well-formed result (numel = product of the shape, backward gives grads of the inputs' shapes)
 * or throws an IllegalArgumentException / IllegalStateException naming the op; inputs never change.
 */
class BadInputFuzzTest {
    private static final long[] SEEDS = {1, 2, 3};
    private static final int CALLS_PER_SEED = 10000;
    private FuzzArguments gen;
    private final Map<String, String> failures = new LinkedHashMap<>();

    @Test
    void everyCallSucceedsOrNamesTheOp() {
        for (long seed : SEEDS) {
            gen = new FuzzArguments(seed);
            for (int i = 0; i < CALLS_PER_SEED; i++) {
                gen.clear();
                fuzzOne();
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " escape(s):\n" + String.join("\n\n", failures.values()));
        }
    }

    // ------------------------------------------------------------------ regressions found by the fuzz

    private static void refused(String op, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, op);
        assertTrue(e.getMessage().contains(op), e.getMessage());
    }

    @Test
    void creationWithABadShapeNamesTheOp() {
        // Before: "shape [-1] has a negative dimension -1" (no op named) and NPEs for null shape, dtype or generator.
        refused("full", () -> Tensor.zeros(-1));
        refused("full", () -> Tensor.ones(3, -2));
        refused("full", () -> Tensor.full(1.0, DType.FLOAT64, 2, -1));
        refused("full", () -> Tensor.zeros((DType) null, 2));
        refused("full", () -> Tensor.scalar(1.0, null));
        refused("of", () -> Tensor.of(new double[6], -2, 3, 3));
        refused("eye", () -> Tensor.eye(1, Integer.MAX_VALUE));
        refused("eye", () -> Tensor.eye(-1));
        refused("rand", () -> Tensor.rand(7L, (int[]) null));
        refused("rand", () -> Tensor.rand(7L, 0, 3, -1));
        refused("rand", () -> Tensor.rand(null, DType.FLOAT64, 2));
        refused("randn", () -> Tensor.randn(new Random(1), null, 2));
        refused("randn", () -> Tensor.randn(new Random(1), DType.FLOAT64, 65536, 65536));
    }

    @Test
    void linspaceWithTooManyStepsIsRefusedNotOutOfMemory() {
        // Before: OutOfMemoryError "Requested array size exceeds VM limit".
        refused("linspace", () -> Tensor.linspace(0.0, 2.5, Integer.MAX_VALUE));
    }

    @Test
    void broadcastToAndExpandNameThemselves() {
        // Before: broadcastTo said "shape [-2, 1, 3] has a negative dimension -2"; expand said "broadcastTo: …".
        Tensor x = Tensor.scalar(1.0);
        refused("broadcastTo", () -> x.broadcastTo(-2, 1, 3));
        refused("broadcastTo", () -> x.broadcastTo(65536, 65536));
        refused("expand", () -> Tensor.of(1.0, 2.0).expand(1, 3));
        refused("expand", () -> x.expand(-2, 1));
    }

    @Test
    void reshapeToAShapeWhoseCountOverflowsALong() {
        // Before: ArithmeticException "long overflow" from Math.multiplyExact.
        Tensor x = Tensor.of(1.0, 2.0, 3.0);
        refused("reshape", () -> x.reshape(3, 1, 46341, Integer.MAX_VALUE, Integer.MAX_VALUE));
        refused("reshape", () -> x.reshape(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, -1));
        // A zero after the overflowing sizes makes 0 elements: a valid reshape of an empty tensor.
        int[] empty = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 0};
        assertArrayEquals(empty, Tensor.zeros(0).reshape(empty).shape());
        // Before: "shape [2147483647, 1048576, 65536, 0, 2] has more elements than a long can count" (no op, and wrong: 0).
        int[] late = {Integer.MAX_VALUE, 1 << 20, 1 << 16, 0, 2};
        assertArrayEquals(late, Tensor.zeros(0, 0, 4, 0).reshape(late).shape());
        assertEquals(0, Tensor.zeros(late).numel());
    }

    @Test
    void sliceWithAHugeStepKeepsTheFirstElement() {
        // Before: (stop - start + step - 1) overflowed an int, giving 0 elements instead of 1.
        Tensor x = Tensor.of(0.0, 1.0, 2.0, 3.0).requiresGrad(true);
        Tensor y = x.slice(0, 0, 4, Integer.MAX_VALUE);
        assertArrayEquals(new double[] {0.0}, y.toDoubleArray());
        y.sum().backward();
        assertArrayEquals(new double[] {1, 0, 0, 0}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {1.0}, x.slice(0, 1, 4, Integer.MAX_VALUE - 1).toDoubleArray());
    }

    @Test
    void reducingAnEmptyAxisToAHugeResultNamesTheOp() {
        // Before: "shape [1, 2147483647] has 2147483647 elements, more than one Java array can hold" (no op named).
        Tensor x = Tensor.zeros(0, Integer.MAX_VALUE);
        refused("sum", () -> x.sum(0));
        refused("mean", () -> x.mean(0));
        refused("logsumexp", () -> x.logsumexp(0));
        refused("norm", () -> x.norm(new int[] {0}, true));
        refused("var", () -> x.var(new int[] {0}, false, 1));
        refused("std", () -> x.std(new int[] {0}, false, 1));
        refused("softmax", () -> x.softmax(0));
        refused("logSoftmax", () -> x.logSoftmax(0));
        refused("mean", () -> Tensor.zeros(Integer.MAX_VALUE, 1 << 16, Integer.MAX_VALUE, 0).mean(3));
    }

    @Test
    void matmulWithAHugeResultNamesTheOp() {
        // Before: "shape [2147483647, 1] has 2147483647 elements, …" (no op named).
        refused("matmul", () -> Tensor.zeros(Integer.MAX_VALUE, 0).matmul(Tensor.zeros(0)));
    }

    @Test
    void matmulWithAnEmptyResultHasZeroGradients() {
        // Before: backward failed building the batched product [2147483647, 1, 1, 1] for b's gradient.
        Tensor a = Tensor.zeros(DType.FLOAT32, Integer.MAX_VALUE, 1, 0, 1);
        Tensor b = Tensor.of(-0.25).requiresGrad(true);
        Tensor y = a.matmul(b);
        assertArrayEquals(new int[] {Integer.MAX_VALUE, 1, 0}, y.shape());
        y.sum().backward();
        assertArrayEquals(new double[] {0.0}, b.grad().toDoubleArray());
    }

    // ------------------------------------------------------------------ one random call

    private void fuzzOne() {
        Tensor x = gen.tensor();
        int ax = gen.axis();
        switch (gen.rng.nextInt(60)) {
            case 0 -> { double[] d = new double[gen.rng.nextInt(7)]; int[] s = gen.shapeArg();
                call("of", () -> Tensor.of(d, s), d.length, s); }
            case 1 -> { float[] d = new float[gen.rng.nextInt(7)]; int[] s = gen.shapeArg();
                call("of", () -> Tensor.of(d, s), d.length, s); }
            case 2 -> { double[][] rows = gen.rows(); call("of", () -> Tensor.of(rows), (Object) rows); }
            case 3 -> { int[] s = gen.shapeArg(); call("zeros|full", () -> Tensor.zeros(s), s); }
            case 4 -> { int[] s = gen.shapeArg(); DType t = gen.dtype(); double v = gen.odd();
                call("full", () -> Tensor.full(v, t, s), v, t, s); }
            case 5 -> { int[] s = gen.shapeArg(); call("ones|full", () -> Tensor.ones(gen.dtype(), s), s); }
            case 6 -> { double e = gen.odd(); call("arange", () -> Tensor.arange(e), e); }
            case 7 -> { double a = gen.odd(), b = gen.odd(), st = gen.oddStep();
                call("arange", () -> Tensor.arange(a, b, st), a, b, st); }
            case 8 -> { double a = gen.odd(), b = gen.odd(); int n = gen.count();
                call("linspace", () -> Tensor.linspace(a, b, n), a, b, n); }
            case 9 -> { int n = gen.count(), m = gen.count(); call("eye", () -> gen.rng.nextBoolean() ? Tensor.eye(n) : Tensor.eye(n, m), n, m); }
            case 10 -> { int[] s = gen.shapeArg(); call("rand", () -> Tensor.rand(7L, s), s); }
            case 11 -> { int[] s = gen.shapeArg(); DType t = gen.dtype();
                call("randn", () -> Tensor.randn(new Random(1), t, s), t, s); }
            case 12 -> { double v = gen.odd(); DType t = gen.dtype(); call("scalar|full", () -> Tensor.scalar(v, t), v, t); }
            case 13 -> call("size", () -> x.size(ax), x, ax);
            case 14 -> { int[] idx = gen.ints(); call("get", () -> x.get(idx), x, idx); }
            case 15 -> call("item", x::item, x);
            case 16 -> { DType t = gen.dtype(); call("to", () -> x.to(t), x, t); }
            case 17 -> { Tensor y = gen.operand(x); call("allClose", () -> x.allClose(y), x, y); }
            case 18 -> call("toString", x::toString, x);
            case 19 -> unary(x);
            case 20, 21, 22 -> binary(x, gen.operand(x));
            case 23 -> { double c = gen.odd(); int k = gen.rng.nextInt(5);
                String[] names = {"add", "sub", "mul", "div", "pow"};
                call(names[k] + "|addScalar|mulScalar|powScalar", () -> switch (k) {
                    case 0 -> x.add(c); case 1 -> x.sub(c); case 2 -> x.mul(c); case 3 -> x.div(c);
                    default -> x.pow(c); }, x, c); }
            case 24 -> { double lo = gen.odd(), hi = gen.odd(); call("clamp", () -> x.clamp(lo, hi), x, lo, hi); }
            case 25 -> { double s = gen.odd(); call("leakyRelu", () -> x.leakyRelu(s), x, s); }
            case 26 -> { Tensor c = gen.operand(x), b = gen.operand(x); call("where", () -> Tensor.where(c, x, b), c, x, b); }
            case 27, 28 -> reduction(x, ax);
            case 29 -> { int[] axes = gen.axesOrNull(); boolean k = gen.rng.nextBoolean(); int corr = gen.count();
                boolean std = gen.rng.nextBoolean();
                call(std ? "std" : "var", () -> std ? x.std(axes, k, corr) : x.var(axes, k, corr), x, axes, k, corr); }
            case 30 -> { int[] axes = gen.axesOrNull(); boolean k = gen.rng.nextBoolean();
                call("norm", () -> gen.rng.nextBoolean() ? x.norm() : x.norm(axes, k), x, axes, k); }
            case 31 -> { boolean k = gen.rng.nextBoolean(), max = gen.rng.nextBoolean(), all = gen.rng.nextBoolean();
                call(max ? "argmax" : "argmin", () -> all ? (max ? x.argmax() : x.argmin())
                        : (max ? x.argmax(ax, k) : x.argmin(ax, k)), x, all ? "all" : ax, k); }
            case 32, 33 -> { Tensor y = gen.operand(x); call("matmul", () -> x.matmul(y), x, y); }
            case 34 -> { Tensor y = gen.operand(x); boolean d = gen.rng.nextBoolean();
                call(d ? "dot" : "outer", () -> d ? x.dot(y) : x.outer(y), x, y); }
            case 35 -> call("mT|transpose", x::mT, x);
            case 36 -> { int[] s = gen.dims(); call("reshape", () -> x.reshape(s), x, s); }
            case 37 -> { int a = gen.axis(); boolean all = gen.rng.nextBoolean();
                call("flatten", () -> all ? x.flatten() : x.flatten(ax, a), x, ax, a); }
            case 38 -> { int[] p = gen.ints(); call("permute", () -> x.permute(p), x, p); }
            case 39 -> { int b = gen.axis(); call("transpose", () -> x.transpose(ax, b), x, ax, b); }
            case 40 -> { boolean all = gen.rng.nextBoolean();
                call("squeeze", () -> all ? x.squeeze() : x.squeeze(ax), x, all ? "all" : ax); }
            case 41 -> call("unsqueeze", () -> x.unsqueeze(ax), x, ax);
            case 42 -> { int[] s = gen.dims(); call("broadcastTo", () -> x.broadcastTo(s), x, s); }
            case 43 -> { int[] s = gen.dims(); call("expand", () -> x.expand(s), x, s); }
            case 44 -> { int a = gen.index(), b = gen.index(), st = gen.rng.nextBoolean() ? 1 : gen.index();
                call("slice", () -> sliceLengthChecked(x.slice(ax, a, b, st), x.size(ax), a, b, st, ax), x, ax, a, b, st); }
            case 45 -> { Tensor[] ts = gen.tensors(x); boolean list = gen.rng.nextBoolean();
                call("concat", () -> list ? Tensor.concat(ax, Arrays.asList(ts)) : Tensor.concat(ax, ts), ax, ts); }
            case 46 -> { Tensor[] ts = gen.tensors(x); boolean list = gen.rng.nextBoolean();
                call("stack", () -> list ? Tensor.stack(ax, Arrays.asList(ts)) : Tensor.stack(ax, ts), ax, ts); }
            case 47 -> { int n = gen.pieceSize(x, ax); call("split", () -> x.split(n, ax), x, n, ax); }
            case 48 -> { int[] sizes = gen.ints(); call("split", () -> x.split(sizes, ax), x, sizes, ax); }
            case 49 -> { int n = gen.chunks(x, ax); call("chunk", () -> x.chunk(n, ax), x, n, ax); }
            case 50 -> { int[] idx = gen.ints(); call("indexSelect", () -> x.indexSelect(ax, idx), x, ax, idx); }
            case 51 -> { Tensor idx = gen.indexTensor(x); call("gather", () -> x.gather(ax, idx), x, ax, idx); }
            case 52 -> { int[][] w = gen.widths(x); double v = gen.odd(); call("pad", () -> x.pad(w, v), x, w, v); }
            case 53 -> { boolean log = gen.rng.nextBoolean();
                call(log ? "logSoftmax" : "softmax", () -> log ? x.logSoftmax(ax) : x.softmax(ax), x, ax); }
            case 54 -> { int[] labels = gen.ints(); Reduction r = gen.reduction();
                call("crossEntropy", () -> x.crossEntropy(labels, r), x, labels, r); }
            case 55 -> { Tensor y = gen.operand(x); Reduction r = gen.reduction();
                call("mse", () -> x.mse(y, r), x, y, r); }
            case 56 -> { Tensor y = gen.operand(x); Reduction r = gen.reduction();
                call("binaryCrossEntropyWithLogits", () -> x.binaryCrossEntropyWithLogits(y, r), x, y, r); }
            case 57 -> { Tensor seed = gen.operand(x);
                call("backward", () -> { x.mul(2.0).backward(seed); return null; }, x, seed); }
            case 58 -> call("requiresGrad", () -> x.neg().requiresGrad(gen.rng.nextBoolean()), x);
            default -> { Tensor y = gen.leaves.get(0).requiresGrad(true).square().sum();
                call("backward", () -> { y.backward(); y.backward(); return null; }, x); }
        }
    }

    private void unary(Tensor x) {
        String[] names = {"neg", "abs", "sign", "exp", "expm1", "log", "log1p", "sqrt", "square", "reciprocal",
            "sin", "cos", "tan", "tanh", "sigmoid", "relu", "softplus", "silu", "gelu", "contiguous"};
        int k = gen.rng.nextInt(names.length);
        call(names[k], () -> switch (k) {
            case 0 -> x.neg(); case 1 -> x.abs(); case 2 -> x.sign(); case 3 -> x.exp(); case 4 -> x.expm1();
            case 5 -> x.log(); case 6 -> x.log1p(); case 7 -> x.sqrt(); case 8 -> x.square(); case 9 -> x.reciprocal();
            case 10 -> x.sin(); case 11 -> x.cos(); case 12 -> x.tan(); case 13 -> x.tanh(); case 14 -> x.sigmoid();
            case 15 -> x.relu(); case 16 -> x.softplus(); case 17 -> x.silu(); case 18 -> x.gelu();
            default -> x.contiguous(); }, x);
    }

    private void binary(Tensor x, Tensor y) {
        String[] names = {"add", "sub", "mul", "div", "pow", "maximum", "minimum", "gt", "ge", "lt", "le", "eq"};
        int k = gen.rng.nextInt(names.length);
        call(names[k], () -> switch (k) {
            case 0 -> x.add(y); case 1 -> x.sub(y); case 2 -> x.mul(y); case 3 -> x.div(y); case 4 -> x.pow(y);
            case 5 -> x.maximum(y); case 6 -> x.minimum(y); case 7 -> x.gt(y); case 8 -> x.ge(y); case 9 -> x.lt(y);
            case 10 -> x.le(y); default -> x.eq(y); }, x, y);
    }

    private void reduction(Tensor x, int ax) {
        String[] names = {"sum", "mean", "max", "min", "logsumexp"};
        int k = gen.rng.nextInt(names.length);
        int form = gen.rng.nextInt(3);
        int[] axes = gen.axesOrNull();
        boolean keep = gen.rng.nextBoolean();
        call(names[k], () -> {
            if (form == 0) {
                return switch (k) { case 0 -> x.sum(); case 1 -> x.mean(); case 2 -> x.max(); case 3 -> x.min();
                    default -> x.logsumexp(); };
            }
            if (form == 1) {
                return switch (k) { case 0 -> x.sum(ax, keep); case 1 -> x.mean(ax, keep); case 2 -> x.max(ax, keep);
                    case 3 -> x.min(ax, keep); default -> x.logsumexp(ax); };
            }
            return switch (k) { case 0 -> x.sum(axes, keep); case 1 -> x.mean(axes, keep); case 2 -> x.max(axes, keep);
                case 3 -> x.min(axes, keep); default -> x.logsumexp(axes, keep); };
        }, x, form == 1 ? ax : axes, keep);
    }

    /** slice's length must be Python's len(range(n)[start:stop:step]); a wrong one fails as an AssertionError. */
    private static Tensor sliceLengthChecked(Tensor y, int n, int start, int stop, int step, int axis) {
        long from = Math.clamp(start < 0 ? (long) start + n : start, 0, n);
        long to = Math.clamp(stop < 0 ? (long) stop + n : stop, 0, n);
        long expected = to > from ? (to - from + step - 1) / step : 0;
        if (y.size(axis) != expected) {
            throw new AssertionError("slice length " + y.size(axis) + ", expected " + expected);
        }
        return y;
    }

    // ------------------------------------------------------------------ the check around each call

    /** {@code names}: the op's name, or alternatives separated by '|' (e.g. zeros is built by full). */
    private void call(String names, Supplier<Object> body, Object... args) {
        Object[] before = snapshot(args);
        Object[] leavesBefore = snapshot(gen.leaves.toArray());
        String problem = null;
        Throwable cause = null;
        try {
            problem = checkResult(body.get());
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (e.getMessage() == null || Arrays.stream(names.split("\\|")).noneMatch(e.getMessage()::contains)) {
                problem = "message does not name the op";
                cause = e;
            }
        } catch (Throwable t) {
            problem = "wrong exception type";
            cause = t;
        }
        if (problem == null && !Arrays.deepEquals(before, snapshot(args))) {
            problem = "an argument changed";
        }
        if (problem == null && !Arrays.deepEquals(leavesBefore, snapshot(gen.leaves.toArray()))) {
            problem = "an input changed";
        }
        if (problem != null) {
            String key = names + " / " + problem + " / " + (cause == null ? "" : cause.getClass().getSimpleName());
            failures.putIfAbsent(key, names + ": " + problem + "\n  args: " + describe(args)
                    + (cause == null ? "" : "\n  " + cause + "\n  at " + Arrays.toString(Arrays.copyOf(cause.getStackTrace(), 4))));
        }
    }

    /** Null when the result is well formed; otherwise what is wrong with it. */
    private String checkResult(Object result) {
        List<Tensor> outs = result instanceof Tensor t ? List.of(t)
                : result instanceof List<?> l ? l.stream().map(Tensor.class::cast).toList() : List.of();
        for (Tensor out : outs) {
            long n = 1;
            for (int d : out.shape()) {
                if (d < 0) {
                    return "result has a negative dimension " + Arrays.toString(out.shape());
                }
                n *= d;
            }
            if (out.numel() != n) {
                return "numel " + out.numel() + " differs from the shape " + Arrays.toString(out.shape());
            }
            if (n > FuzzArguments.MATERIALISE_LIMIT) {
                continue;
            }
            if (out.toDoubleArray().length != n) {
                return "toDoubleArray length differs from the shape " + Arrays.toString(out.shape());
            }
            if (out.requiresGrad()) {
                try {
                    out.sum().backward(null, true, false);
                } catch (RuntimeException e) {
                    return "backward failed: " + e;
                }
            }
        }
        for (Tensor leaf : gen.leaves) {
            if (leaf.requiresGrad() && !Arrays.equals(leaf.grad().shape(), leaf.shape())) {
                return "grad shape " + Arrays.toString(leaf.grad().shape()) + " for input " + Arrays.toString(leaf.shape());
            }
        }
        return null;
    }

    /** Values and shapes of tensors, copies of arrays; other arguments as they are. */
    private static Object[] snapshot(Object[] args) {
        Object[] s = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            s[i] = switch (a) {
                case Tensor t -> new Object[] {t.shape(), t.toDoubleArray(), t.dtype()};
                case Tensor[] ts -> snapshot(ts);
                case int[] v -> v.clone();
                case double[] v -> v.clone();
                case Object[] v -> snapshot(v);
                case null, default -> a;
            };
        }
        return s;
    }

    private static String describe(Object[] args) {
        StringBuilder b = new StringBuilder();
        for (Object a : args) {
            b.append(b.isEmpty() ? "" : ", ").append(switch (a) {
                case Tensor t -> "tensor" + Arrays.toString(t.shape()) + t.dtype() + (t.requiresGrad() ? "+grad" : "")
                        + (t.numel() <= 8 ? Arrays.toString(t.toDoubleArray()) : "");
                case Tensor[] ts -> describe(ts);
                case int[] v -> Arrays.toString(v);
                case Object[] v -> Arrays.deepToString(v);
                case null, default -> String.valueOf(a);
            });
        }
        return b.toString();
    }
}
