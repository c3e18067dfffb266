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
 * over stored rows, broadcast scalars and transcendental results, with shared subexpressions (not
 * fused into a single reader), inexact float32 constants (not fused), zeros and infinities. Each
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
        return Tensor.rand(5, N).mul(8).sub(4).mul(Tensor.rand(6, N).gt(0.1)).to(dtype);
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
                default -> a.mul(0.1); // not a float: not fused in float32
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
        long fused = assertSameBothWays(x -> {
            Tensor leaf = x.detach().requiresGrad(true);
            leaf.sin().exp().mul(leaf).add(1.0).tanh().sum().backward();
            return leaf.grad();
        }, input(dtype));
        assertEquals(2, fused, "the forward's e·x + 1 and the reverse pass's five products and sums should make one fused loop each");
    }

    @Test
    void sharedValuesAreReadNotRecomputedAndStillFuseAround() {
        Tensor x = input(DType.FLOAT32);
        // t is read three times: it keeps its own buffer, and each reader's run fuses around it.
        assertSameBothWays(a -> {
            Tensor t = a.mul(a).add(1.0);
            return t.mul(t).sub(t.div(a.add(2.0))).neg();
        }, x);
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
}
