package dev.jgrad;

import dev.jgrad.tensor.Deferred;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs of cheap arithmetic inside a deferred expression are computed in one fused loop each, and
 * give exactly the op-by-op values: random trees of +, −, ×, ÷, negation and scalar constants
 * over stored rows, broadcast scalars and transcendental results, with shared subexpressions (kept
 * in a local when all their readers are in one loop), decimal constants (in float32 rounded to
 * float first, as PyTorch does, and so fused too), tanh's and the sigmoid's reverse rules, zeros and infinities. Each
 * computation runs with deferral on and off; the element bits must agree (NaNs as NaN).
 */
class FusedArithmeticTest {
    private static final int N = 100_003;

    /** Same bits with deferral (and fusion) on and off; returns how many fused loops the deferred run set up. */
    private static long assertSameBothWays(Function<Tensor, Tensor> f, Tensor x) {
        double[] off = DeferredEvaluationTest.run(false, f, x);
        long before = Deferred.fusedGroups();
        double[] on = DeferredEvaluationTest.run(true, f, x);
        long fused = Deferred.fusedGroups() - before;
        assertEquals(off.length, on.length);
        for (int i = 0; i < off.length; i++) {
            if (Double.doubleToLongBits(off[i]) != Double.doubleToLongBits(on[i])) {
                throw new AssertionError("element " + i + ": op by op " + off[i] + ", fused " + on[i]);
            }
        }
        return fused;
    }

    private static Tensor input(DType dtype) {
        // Some exact zeros and large values: divisions give ±∞ and NaN along the way.
        // Evaluated here, so that the tests count only their own fused loops.
        return Tensor.rand(5, N).mul(8).sub(4).mul(Tensor.rand(6, N).gt(0.1)).to(dtype).evaluate();
    }

    /** A random expression of {@code ops} steps, each combining earlier values. */
    private static Tensor randomTree(Tensor x, long seed, int ops) {
        Random r = new Random(seed);
        DType t = x.dtype();
        List<Tensor> values = new ArrayList<>(List.of(x, x.sin(), x.mul(x.cos()), Tensor.scalar(1.5, t)));
        for (int i = 0; i < ops; i++) {
            Tensor a = values.get(r.nextInt(values.size()));
            Tensor b = values.get(r.nextInt(values.size()));
            Tensor v = switch (r.nextInt(8)) {
                case 0 -> a.add(b);
                case 1 -> a.sub(b);
                case 2 -> a.mul(b);
                case 3 -> a.div(b);
                case 4 -> a.neg();
                case 5 -> a.add(0.25);
                case 6 -> a.mul(-3.0);
                default -> a.mul(0.1); // in float32: times 0.1f
            };
            values.add(v);
        }
        Tensor sum = values.getLast();
        // Full size even when the last steps only touched the scalar.
        return sum.add(x.mul(0.5));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void randomArithmeticTreesGiveOpByOpValues(DType dtype) {
        Tensor x = input(dtype);
        long fused = 0;
        for (long seed = 0; seed < 12; seed++) {
            long s = seed;
            fused += assertSameBothWays(t -> randomTree(t, s, 6 + (int) s), x);
        }
        assertTrue(fused > 0, "no fused loop was set up");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void theChainRuleOfTheChainIsOneFusedLoop(DType dtype) {
        Tensor in = input(dtype);
        long ops = Deferred.fusedOps();
        long fused = assertSameBothWays(x -> {
            Tensor leaf = x.detach().requiresGrad(true);
            leaf.sin().exp().mul(leaf).add(1.0).tanh().sum().backward();
            return leaf.grad();
        }, in);
        assertEquals(2, fused, "the forward's e·x + 1 and the reverse pass's products and sums should make one fused loop each");
        // Forward: e·x and + 1. Reverse: tanh's rule g·(1 − y²) (read twice, kept in a local), the
        // four products and the sum of the chain rule.
        assertEquals(2 + 6, Deferred.fusedOps() - ops);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void theActivationsReverseRulesFuseWithTheirDtypesRounding(DType dtype) {
        Tensor x = input(dtype);
        long ops = Deferred.fusedOps();
        long fused = assertSameBothWays(a -> {
            Tensor leaf = a.detach().requiresGrad(true);
            leaf.sigmoid().mul(leaf).sum().backward();
            return leaf.grad();
        }, x);
        // Reverse: x·g into the sigmoid's rule g·y(1 − y), y·g, and their sum: one loop of four ops.
        assertEquals(1, fused);
        assertEquals(4, Deferred.fusedOps() - ops);
        // A rule whose gradient is a stored row (here: another tanh's output) rather than a broadcast.
        assertSameBothWays(a -> {
            Tensor leaf = a.detach().requiresGrad(true);
            Tensor y = leaf.tanh();
            y.backward(a.cos().tanh());
            return leaf.grad().mul(leaf).add(leaf.grad());
        }, x);
    }

    @Test
    void sharedValuesAreReadNotRecomputedAndStillFuseAround() {
        Tensor x = input(DType.FLOAT32);
        // t is read four times, all inside one run: computed once, kept in a local, one loop.
        long ops = Deferred.fusedOps();
        assertEquals(1, assertSameBothWays(a -> {
            Tensor t = a.mul(a).add(1.0);
            return t.mul(t).sub(t.div(a.add(2.0))).neg();
        }, x));
        assertEquals(7, Deferred.fusedOps() - ops);
        // u is read by two runs (one ends in sin, which is not arithmetic): it is a loop of its own
        // (s·s + 1) into a buffer that both read; u·3 runs alone, u·a inside the final sum.
        ops = Deferred.fusedOps();
        assertEquals(2, assertSameBothWays(a -> {
            Tensor s = a.sin();
            Tensor u = s.mul(s).add(1.0);
            return u.mul(3.0).sin().add(u.mul(a));
        }, x));
        assertEquals(4, Deferred.fusedOps() - ops);
        // A broadcast scalar operand and a stored row, in a long left-deep run.
        assertSameBothWays(a -> {
            Tensor s = Tensor.scalar(0.75, a.dtype());
            Tensor y = a;
            for (int i = 0; i < 20; i++) {
                y = y.mul(s).add(a).sub(1.0);
            }
            return y;
        }, x);
    }

    /**
     * A scalar operand takes the tensor's dtype first, as in PyTorch and JAX: float32 x·0.1 is the
     * float product x·0.1f (not x·0.1 in double rounded to float), x + 0.1 the float sum, x / 3
     * the product with the float nearest 1/3; float64 keeps the double constant. With the constant
     * a float, an SGD-style update p − lr·g is one fused loop in float32 as in float64.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void scalarsTakeTheTensorsDtypeAndFuse(DType dtype) {
        Tensor x = input(dtype);
        double[] xs = x.toDoubleArray();
        double[] prod = x.mul(0.1).toDoubleArray();
        double[] sum = x.add(0.1).toDoubleArray();
        double[] quot = x.div(3.0).toDoubleArray();
        double[] diff = x.sub(1e-3).toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            if (dtype == DType.FLOAT32) {
                float f = (float) xs[i];
                assertEquals(f * 0.1f, (float) prod[i], "x·0.1 at " + i);
                assertEquals(f + 0.1f, (float) sum[i], "x + 0.1 at " + i);
                assertEquals(f * (float) (1.0 / 3.0), (float) quot[i], "x / 3 at " + i);
                assertEquals(f - 1e-3f, (float) diff[i], "x − 0.001 at " + i);
            } else {
                assertEquals(xs[i] * 0.1, prod[i], "x·0.1 at " + i);
                assertEquals(xs[i] + 0.1, sum[i], "x + 0.1 at " + i);
                assertEquals(xs[i] * (1.0 / 3.0), quot[i], "x / 3 at " + i);
                assertEquals(xs[i] - 1e-3, diff[i], "x − 0.001 at " + i);
            }
        }
        Tensor g = x.cos().evaluate();
        long ops = Deferred.fusedOps();
        assertEquals(1, assertSameBothWays(p -> p.sub(g.mul(1e-6)), x), "p − lr·g should be one fused loop");
        assertEquals(2, Deferred.fusedOps() - ops);
        // The reverse and forward rules multiply by the same rounded constant.
        Tensor leaf = x.detach().requiresGrad(true);
        leaf.mul(0.1).sum().backward();
        double scale = dtype == DType.FLOAT32 ? 0.1f : 0.1;
        for (double v : leaf.grad().toDoubleArray()) {
            assertEquals(scale, v);
        }
    }
}
