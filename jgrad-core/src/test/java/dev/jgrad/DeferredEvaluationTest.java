package dev.jgrad;

import dev.jgrad.autograd.TensorAccess;
import dev.jgrad.kernels.KernelProvider;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.Deferred;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deferred element-wise evaluation gives what op-by-op evaluation gives: every computation here
 * runs twice in one JVM, once with deferral on (threshold 1,000 elements) and once off, and the
 * element arrays must be identical — bit for bit with the scalar kernels, and with the SIMD kernels
 * for everything built from exact operations and jgrad's own exp/sin/cos/tanh (the chain); the
 * vector library's remaining transcendentals (expm1, log, log1p, tan and what is built on them)
 * may return a last bit different before and after JIT compilation, so expressions containing them
 * are compared to their ulp bound. Sizes cross the evaluator's chunk
 * boundaries and its thread split; the test also checks that deferral really happened.
 */
class DeferredEvaluationTest {
    /** Not a multiple of the chunk or the vector length, and above the two-thread threshold. */
    private static final int N = 300_007;

    static double[] run(boolean deferred, Function<Tensor, Tensor> f, Tensor x) {
        int previous = Deferred.setMinElements(deferred ? 1000 : 0);
        try {
            return f.apply(x).toDoubleArray();
        } finally {
            Deferred.setMinElements(previous);
        }
    }

    /** Bit-exact, or within a few ulp when the vector library's transcendentals are involved. */
    private static void assertSameBothWays(Function<Tensor, Tensor> f, Tensor x, boolean transcendental) {
        double[] off = run(false, f, x);
        double[] on = run(true, f, x);
        if (!transcendental || KernelProvider.get().name().equals("scalar")) {
            assertArrayEquals(off, on, 0.0, "deferred evaluation changed values");
            return;
        }
        double ulps = x.dtype() == DType.FLOAT32 ? 1e-5 : 1e-13;
        for (int i = 0; i < off.length; i++) {
            assertEquals(off[i], on[i], ulps * (1 + Math.abs(off[i])), "element " + i);
        }
    }

    private static Tensor input(DType dtype, int n) {
        return Tensor.rand(7, n).mul(4).sub(2).to(dtype);
    }

    static Tensor chain(Tensor x) {
        return x.sin().exp().mul(x).add(1.0).tanh();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void forwardChainIsOneDeferredExpressionWithOpByOpValues(DType dtype) {
        Tensor x = input(dtype, N);
        int previous = Deferred.setMinElements(1000);
        try {
            Tensor y = chain(x);
            assertTrue(TensorAccess.value(y).isDeferred(), "the chain's result should be deferred until read");
            y.evaluate();
            assertFalse(TensorAccess.value(y).isDeferred());
        } finally {
            Deferred.setMinElements(previous);
        }
        assertSameBothWays(DeferredEvaluationTest::chain, x, false);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void reverseGradientOfTheChain(DType dtype) {
        assertSameBothWays(x -> {
            Tensor leaf = x.detach().requiresGrad(true);
            chain(leaf).sum().backward();
            return leaf.grad();
        }, input(dtype, N), false);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void forwardModeTangentOfTheChain(DType dtype) {
        assertSameBothWays(x -> {
            try (ForwardMode fwd = ForwardMode.begin()) {
                return fwd.tangentOf(chain(fwd.dual(x, x.cos())));
            }
        }, input(dtype, N), false);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDeferrableFunctionAndBroadcastScalars(DType dtype) {
        assertSameBothWays(x -> {
            Tensor s = Tensor.scalar(0.75, dtype);
            Tensor acc = x.abs().add(0.5).log().add(x.sigmoid()).sub(x.relu().mul(s)).div(x.square().add(1))
                    .add(x.softplus()).add(x.expm1()).add(x.tan().clamp(-3, 3)).add(x.abs().sqrt())
                    .add(x.abs().pow(s)).add(x.maximum(s)).add(x.minimum(x.cos())).add(x.silu()).add(x.gelu());
            return acc.add(s.expand(x.shape())).mul(2.0);
        }, input(dtype, N), true);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void exactFunctionsAreBitIdenticalWithEitherKernels(DType dtype) {
        assertSameBothWays(x -> {
            Tensor s = Tensor.scalar(0.75, dtype);
            Tensor g = x.relu().mul(s).sub(x.abs().sqrt()).div(x.square().add(1)).add(x.clamp(-1, 1))
                    .add(x.maximum(s)).sub(x.minimum(x.neg())).mul(x.sign()).add(x.reciprocal());
            Tensor leaf = x.detach().requiresGrad(true);
            leaf.relu().mul(leaf).div(leaf.square().add(1)).sum().backward();
            return g.add(s.expand(x.shape())).mul(2.0).add(leaf.grad());
        }, input(dtype, N), false);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void blocksRepeatedAlongLeadingAxesAreReadInPlace(DType dtype) {
        // A bias row of 300 (no divisor of the chunk or the piece, so repetitions straddle both),
        // read from inside its storage, on either side of the op and as [1, 300]; a [7, 300] block
        // repeated along the first axis of [143, 7, 300]; a row too short to be read in place and a
        // column (broadcast along the last axis) computed up front. All must match op by op.
        Tensor x = input(dtype, 1001 * 300).reshape(1001, 300);
        Tensor bias = input(dtype, 305).slice(0, 5, 305);
        Tensor shortRow = input(dtype, 10).reshape(1, 10).broadcastTo(30, 10).reshape(300);
        Tensor column = input(dtype, 1001).reshape(1001, 1);
        assertSameBothWays(t -> t.add(bias).relu().mul(bias.mul(2)).sub(bias.reshape(1, 300)), x, false);
        assertSameBothWays(t -> bias.sub(t).mul(t.add(column)).add(shortRow.slice(0, 0, 300)), x, false);
        Tensor block = input(dtype, 7 * 300).reshape(7, 300);
        assertSameBothWays(t -> t.mul(block).add(block.neg()).relu(), input(dtype, 143 * 7 * 300).reshape(143, 7, 300), false);
        int previous = Deferred.setMinElements(1000);
        try {
            assertTrue(TensorAccess.value(x.add(bias)).isDeferred(), "a repeated row should be read in place");
            assertTrue(TensorAccess.value(bias.mul(x)).isDeferred(), "a repeated row should be read in place");
            assertFalse(TensorAccess.value(x.add(column)).isDeferred(), "a column broadcast is computed up front");
            assertFalse(TensorAccess.value(input(dtype, 30_000).reshape(3000, 10).add(input(dtype, 10))).isDeferred(),
                    "a row shorter than the minimum period is computed up front");
        } finally {
            Deferred.setMinElements(previous);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sinAndCosOfOneOperandComputedTogether(DType dtype) {
        Tensor x = input(dtype, N);
        // Pairs over a stored array and over a pending result, cos before sin, a pair whose sin is
        // the stored root's operand and whose cos is read twice, and sin/cos of different operands.
        assertSameBothWays(t -> t.cos().mul(t.sin()).add(t.exp().sin().mul(2)).sub(t.exp().cos().square())
                .add(t.mul(3).sin()).add(t.mul(2).cos()), x, false);
        assertSameBothWays(t -> {
            Tensor c = t.add(0.5).cos();
            return t.add(0.5).sin().add(c).mul(c);
        }, x, false);
        assertSameBothWays(t -> t.cos().add(t.sin()).sin(), x, false);
        // Storage-sharing operands that are different arrays: the same elements, or shifted by one.
        Tensor wide = input(dtype, N + 1);
        assertSameBothWays(t -> t.slice(0, 0, N).sin().add(t.slice(0, 1, N + 1).cos()).add(t.slice(0, 0, N).cos()), wide, false);
    }

    @Test
    void sharedSubexpressionsAndLongChains() {
        Tensor x = input(DType.FLOAT64, N);
        // e is used by several results; every one reads it again, so the evaluator stores it once
        // it has been recomputed a few times — values must not change either way.
        assertSameBothWays(t -> {
            Tensor e = t.exp();
            Tensor sum = e.mul(2);
            for (int i = 0; i < 5; i++) {
                sum = sum.add(e.mul(i).evaluate());
            }
            return sum;
        }, x, false);
        // Longer than one expression may grow: the operands are computed part of the way.
        assertSameBothWays(t -> {
            Tensor y = t;
            for (int i = 0; i < 100; i++) {
                y = y.mul(0.99).add(t.sin());
            }
            return y;
        }, x, false);
        // a·a·a…: a DAG with sharing at every level is evaluated once per distinct node.
        assertSameBothWays(t -> {
            Tensor y = t.mul(0.5);
            for (int i = 0; i < 20; i++) {
                y = y.mul(y).add(0.1);
            }
            return y;
        }, x, false);
    }

    /**
     * A whole-array sum of a pending expression sums each block as it is computed: the result is the
     * in-order total of the blocks' {@link Kernels#sumRange} over the stored elements — what the same
     * sum of the op-by-op result gives, bit for bit — for one partial block, whole blocks, and a ragged
     * last block; the expression is stored along the way.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void wholeArraySumOfAPendingExpressionIsTheSumOfItsBlocks(DType dtype) {
        Kernels k = KernelProvider.get();
        for (int n : new int[] {5_000, 2 * Kernels.SUM_BLOCK, 3 * Kernels.SUM_BLOCK + 123}) {
            Tensor x = input(dtype, n);
            assertSameBothWays(t -> chain(t).sum(), x, false);
            assertSameBothWays(t -> chain(t).reshape(n, 1).sum(new int[] {0, 1}, true), x, false);
            int previous = Deferred.setMinElements(1000);
            try {
                Tensor y = chain(x);
                assertTrue(TensorAccess.value(y).isDeferred());
                double sum = y.sum().item();
                assertFalse(TensorAccess.value(y).isDeferred(), "summing should have stored the expression");
                Storage stored = TensorAccess.value(y).storage();
                double expected = 0;
                for (int from = 0; from < n; from += Kernels.SUM_BLOCK) {
                    expected += k.sumRange(stored, from, Math.min(Kernels.SUM_BLOCK, n - from));
                }
                // A float32 sum is accumulated in double and rounded to float once.
                assertEquals(dtype == DType.FLOAT32 ? (float) expected : expected, sum, 0.0, dtype + " n = " + n);
            } finally {
                Deferred.setMinElements(previous);
            }
        }
    }

    /**
     * {@code loss = f(x).sum(); loss.backward()}: the loss stays pending, and the gradient's
     * evaluation — whose expression recomputes f(x) — sums f(x) as it goes, so loss and gradient
     * come from one pass and f(x) is never stored. Both equal the op-by-op values bit for bit.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void lossReadAfterTheGradientIsSummedInTheGradientsPass(DType dtype) {
        Tensor x = input(dtype, N);
        double[] lossOff = run(false, t -> chain(t).sum(), x);
        double[] gradOff = run(false, t -> {
            Tensor leaf = t.detach().requiresGrad(true);
            chain(leaf).sum().backward();
            return leaf.grad();
        }, x);
        int previous = Deferred.setMinElements(1000);
        try {
            Tensor leaf = x.detach().requiresGrad(true);
            Tensor y = chain(leaf);
            Tensor loss = y.sum();
            assertTrue(TensorAccess.value(loss).isDeferred(), "the sum of a pending array should be pending");
            assertTrue(TensorAccess.value(y).isDeferred(), "summing lazily should not compute y");
            loss.backward();
            long alongside = Deferred.sumsAlongside();
            double[] grad = leaf.grad().toDoubleArray();
            assertEquals(alongside + 1, Deferred.sumsAlongside(), "the loss should be computed in the gradient's pass");
            assertFalse(TensorAccess.value(loss).isDeferred());
            assertTrue(TensorAccess.value(y).isDeferred(), "y was only needed in scratch buffers");
            assertArrayEquals(gradOff, grad, 0.0, "gradient");
            assertEquals(lossOff[0], loss.item(), 0.0, "loss");
            // Reading y afterwards computes it (stored now), with the op-by-op values.
            assertArrayEquals(run(false, DeferredEvaluationTest::chain, x), y.toDoubleArray(), 0.0, "y");
        } finally {
            Deferred.setMinElements(previous);
        }
    }

    /**
     * One-element ops on pending sums stay pending: a mean, a weighted sum of two losses, a long
     * chain of scalar ops (past the expression size bound). The loss still rides in the gradient's
     * pass and is read afterwards at the op-by-op value.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void meansAndScalarArithmeticOnPendingSums(DType dtype) {
        Tensor x = input(dtype, N);
        Tensor t = input(dtype, N).cos();
        Function<Tensor, Tensor> mean = v -> {
            Tensor leaf = v.detach().requiresGrad(true);
            Tensor loss = chain(leaf).mean();
            loss.backward();
            return Tensor.stack(0, leaf.grad().sum(), loss);
        };
        Function<Tensor, Tensor> mixed = v -> {
            Tensor leaf = v.detach().requiresGrad(true);
            Tensor loss = leaf.sub(t).square().mean().mul(0.5).add(chain(leaf).sum().div(3.0)).neg();
            for (int i = 0; i < 100; i++) { // past the bound of 32 pending ops in a row
                loss = loss.mul(1.0001).add(0.5);
            }
            loss.backward();
            return Tensor.stack(0, leaf.grad().sum(), loss);
        };
        assertSameBothWays(mean, x, false);
        assertSameBothWays(mixed, x, false);
        int previous = Deferred.setMinElements(1000);
        try {
            Tensor leaf = x.detach().requiresGrad(true);
            Tensor loss = chain(leaf).mean();
            assertTrue(TensorAccess.value(loss).isDeferred(), "a mean of a pending array should be pending");
            loss.backward();
            long alongside = Deferred.sumsAlongside();
            leaf.grad().evaluate();
            assertEquals(alongside + 1, Deferred.sumsAlongside(), "the mean's sum should be computed in the gradient's pass");
            assertEquals(run(false, v -> chain(v).mean(), x)[0], loss.item(), 0.0);
        } finally {
            Deferred.setMinElements(previous);
        }
    }

    /**
     * A squared error's gradient 2(x − t) does not contain the squares, but reads nothing the loss
     * does not: the pending loss rides along in the gradient's pass. A loss that reads another
     * array (w) stays pending until read. Values are the op-by-op ones either way.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void aLossOutsideTheGradientsExpressionRidesAlongWhenItReadsNothingNew(DType dtype) {
        Tensor x = input(dtype, N);
        Tensor t = input(dtype, N).cos();
        Tensor w = input(dtype, N).sin().evaluate();
        Function<Tensor, Tensor> squaredError = v -> {
            Tensor leaf = v.detach().requiresGrad(true);
            Tensor loss = leaf.sub(t).square().sum();
            loss.backward();
            return Tensor.stack(0, leaf.grad().sum(), loss);
        };
        Function<Tensor, Tensor> weighted = v -> {
            Tensor leaf = v.detach().requiresGrad(true);
            Tensor loss = leaf.sub(t).mul(w).sin().sum();
            loss.backward();
            return Tensor.stack(0, leaf.grad().sum(), loss);
        };
        assertSameBothWays(squaredError, x, false);
        int previous = Deferred.setMinElements(1000);
        try {
            Tensor leaf = x.detach().requiresGrad(true);
            Tensor loss = leaf.sub(t).square().sum();
            loss.backward();
            long alongside = Deferred.sumsAlongside();
            leaf.grad().evaluate();
            assertEquals(alongside + 1, Deferred.sumsAlongside(), "the squared error should ride along");
            assertFalse(TensorAccess.value(loss).isDeferred());

            Tensor leaf2 = x.detach().requiresGrad(true);
            Tensor loss2 = leaf2.mul(w).sin().sum();
            Tensor other = leaf2.exp();
            other.evaluate();
            assertTrue(TensorAccess.value(loss2).isDeferred(), "exp(x) alone does not read w: the loss waits");
            loss2.backward();
            leaf2.grad().evaluate();
            assertFalse(TensorAccess.value(loss2).isDeferred(), "the gradient reads x and w: the loss rides along");
        } finally {
            Deferred.setMinElements(previous);
        }
        assertSameBothWays(weighted, x, true);
    }

    /**
     * Pending sums read first (the expression is stored and summed, then the backward pass reads
     * it), several sums of one array, a sum completed by evaluating the summed array, a sum of a
     * sum, a mean, and a pending sum used as an operand of a large element-wise op: all the
     * op-by-op values.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void pendingSumsInEveryOrder(DType dtype) {
        Tensor x = input(dtype, N);
        assertSameBothWays(t -> {
            Tensor leaf = t.detach().requiresGrad(true);
            Tensor loss = chain(leaf).sum();
            double first = loss.item();
            loss.backward();
            assertEquals(first, loss.item(), 0.0);
            return leaf.grad().mul(first);
        }, x, false);
        assertSameBothWays(t -> {
            Tensor y = chain(t);
            Tensor a = y.sum();
            Tensor b = y.sum();
            Tensor stored = y.evaluate();
            assertFalse(TensorAccess.value(a).isDeferred(), "evaluating y should complete its pending sums");
            return Tensor.stack(0, a, b, stored.sum(), a.sum(), y.mean());
        }, x, false);
        assertSameBothWays(t -> t.mul(chain(t).sum()).add(t.cos().sum()), x, false);
        assertSameBothWays(t -> {
            Tensor leaf = t.detach().requiresGrad(true);
            Tensor loss = chain(leaf).mul(leaf).sum().add(leaf.exp().sum());
            loss.backward();
            return Tensor.stack(0, leaf.grad().sum(), loss);
        }, x, false);
    }

    @Test
    void viewsReductionsAndMatmulOfDeferredArrays() {
        Tensor x = input(DType.FLOAT32, 600 * 500).reshape(600, 500);
        assertSameBothWays(t -> t.exp().transpose(0, 1).sum(1), x, false);
        assertSameBothWays(t -> t.tanh().slice(0, 3, 400, 2).matmul(t.sin().transpose(0, 1).slice(0, 0, 500, 1)), x, false);
    }

    @Test
    void concurrentReadersSeeOneComputation() throws Exception {
        Tensor x = input(DType.FLOAT64, N);
        double[] expected = run(false, DeferredEvaluationTest::chain, x);
        int previous = Deferred.setMinElements(1000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                Tensor y = chain(x);
                Future<?>[] readers = new Future<?>[4];
                for (int r = 0; r < readers.length; r++) {
                    readers[r] = pool.submit(() -> assertArrayEquals(expected, y.toDoubleArray(), 0.0));
                }
                for (Future<?> f : readers) {
                    f.get();
                }
            }
        } finally {
            pool.shutdown();
            Deferred.setMinElements(previous);
        }
        assertEquals(N, expected.length);
    }
}
