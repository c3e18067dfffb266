package dev.jgrad;

import dev.jgrad.autograd.TensorAccess;
import dev.jgrad.autograd.Node;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reverse engine through the public API: seeds, accumulation, graph lifetime, higher order, threads. */
class ReverseModeTest {

    private static Tensor leaf(double[] data, int... shape) {
        return Tensor.of(data, shape).requiresGrad(true);
    }

    @Test
    void scalarOutputIsSeededWithOne() {
        Tensor x = Tensor.scalar(3.0).requiresGrad(true);
        x.mul(x).backward();
        assertEquals(6.0, x.grad().item(), 0);
        assertArrayEquals(new int[0], x.grad().shape());
    }

    @Test
    void nonScalarOutputIsSeededWithOnesLikeTheGradientOfItsSum() {
        double[] data = {1, -2, 3, 0.5, 4, -1};
        Tensor x = leaf(data, 2, 3);
        x.square().backward();
        Tensor x2 = leaf(data, 2, 3);
        x2.square().sum().backward();
        assertArrayEquals(x2.grad().toDoubleArray(), x.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[] {2, -4, 6, 1, 8, -2}, x.grad().toDoubleArray(), 0);
    }

    @Test
    void explicitSeedIsAnyCotangent() {
        Tensor x = leaf(new double[] {1, 2, 3}, 3);
        Tensor seed = Tensor.of(0.5, -1, 2);
        x.square().backward(seed);
        assertArrayEquals(new double[] {1, -4, 12}, x.grad().toDoubleArray(), 0);
    }

    @Test
    void seedOfTheWrongShapeNamesBothShapes() {
        Tensor y = leaf(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).exp();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3, 2)));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void backwardOnATensorWithoutGradIsRefusedClearly() {
        Tensor y = Tensor.of(1, 2).exp().sum();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require a gradient"), e.getMessage());
    }

    @Test
    void gradientsAccumulateUntilZeroGrad() {
        Tensor x = leaf(new double[] {1, 2}, 2);
        assertArrayEquals(new double[] {0, 0}, x.grad().toDoubleArray(), 0);
        for (int k = 1; k <= 3; k++) {
            x.mul(3.0).sum().backward();
            assertArrayEquals(new double[] {3 * k, 3 * k}, x.grad().toDoubleArray(), 0);
        }
        x.zeroGrad();
        assertArrayEquals(new double[] {0, 0}, x.grad().toDoubleArray(), 0);
        x.mul(2.0).sum().backward();
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray(), 0);
    }

    @Test
    void gradIsZerosBeforeBackwardAndNullWithoutRequiresGrad() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        assertNotNull(x.grad());
        assertArrayEquals(new int[] {2, 2}, x.grad().shape());
        assertArrayEquals(new double[4], x.grad().toDoubleArray(), 0);
        assertNull(Tensor.ones(2).grad());
    }

    @Test
    void retainGradKeepsAnIntermediateGradient() {
        Tensor x = leaf(new double[] {1, 2}, 2);
        Tensor h = x.mul(3.0).retainGrad();
        Tensor unretained = x.mul(2.0);
        h.square().add(unretained).sum().backward();
        assertArrayEquals(new double[] {6, 12}, h.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[] {20, 38}, x.grad().toDoubleArray(), 0);
        assertTrue(unretained.requiresGrad());
    }

    @Test
    void secondBackwardNeedsRetainGraph() {
        Tensor x = leaf(new double[] {1, 2}, 2);
        Tensor y = x.exp().sum();
        y.backward(null, true, false);
        y.backward();
        assertArrayEquals(new double[] {2 * Math.exp(1), 2 * Math.exp(2)}, x.grad().toDoubleArray(), 1e-12);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void graphAndSavedTensorsAreReleasedAfterBackward() throws InterruptedException {
        Tensor x = leaf(new double[] {0.1, 0.2, 0.3}, 3);
        Tensor intermediate = x.exp();
        WeakReference<Tensor> ref = new WeakReference<>(intermediate);
        Tensor y = intermediate.sin().sum();
        Node sumNode = TensorAccess.meta(y).gradFn();
        intermediate = null;
        // Before backward the graph (y → sum → sin → exp output) keeps the intermediate alive.
        System.gc();
        assertNotNull(ref.get());
        y.backward();
        assertTrue(sumNode.isReleased());
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(ref.get(), "the intermediate is still reachable although only the released graph referenced it");
        assertNotNull(y);
    }

    @Test
    void retainedGraphIsNotReleased() {
        Tensor x = leaf(new double[] {1}, 1);
        Tensor y = x.exp().sum();
        y.backward(null, true, false);
        assertTrue(!TensorAccess.meta(y).gradFn().isReleased());
    }

    @Test
    void createGraphGivesSecondDerivatives() {
        Tensor x = Tensor.of(-1.0, 0.5, 2.0).requiresGrad(true);
        x.pow(3.0).sum().backward(null, false, true);
        Tensor dx = x.grad();
        assertArrayEquals(new double[] {3, 0.75, 12}, dx.toDoubleArray(), 1e-12);
        x.zeroGrad();
        dx.sum().backward();
        assertArrayEquals(new double[] {-6, 3, 12}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void createGraphGivesMixedPartials() {
        // f(x, y) = x² y³: ∂f/∂x = 2xy³, ∂²f/∂y∂x = 6xy².
        Tensor x = Tensor.scalar(1.5).requiresGrad(true);
        Tensor y = Tensor.scalar(-2.0).requiresGrad(true);
        x.square().mul(y.pow(3.0)).backward(null, false, true);
        Tensor fx = x.grad();
        assertEquals(2 * 1.5 * -8, fx.item(), 1e-12);
        x.zeroGrad();
        y.zeroGrad();
        fx.backward();
        assertEquals(6 * 1.5 * 4, y.grad().item(), 1e-12);
        assertEquals(2 * -8, x.grad().item(), 1e-12);
    }

    @Test
    void independentGraphsInSeveralThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int task = 0; task < 200; task++) {
                double c = 0.01 * task;
                results.add(pool.submit(() -> {
                    Tensor x = Tensor.of(c, c + 1, c + 2).requiresGrad(true);
                    x.sin().mul(x).sum().backward();
                    return x.grad().toDoubleArray();
                }));
            }
            for (int task = 0; task < results.size(); task++) {
                double[] g = results.get(task).get();
                for (int i = 0; i < 3; i++) {
                    double v = 0.01 * task + i;
                    assertEquals(Math.cos(v) * v + Math.sin(v), g[i], 1e-12);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void longChainBackpropagatesWithoutRecursion() {
        Tensor x = Tensor.scalar(1.0).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) {
            y = y.add(1.0);
        }
        y.mul(2.0).backward();
        assertEquals(2.0, x.grad().item(), 0);
        assertEquals(2 * 100_001.0, y.mul(2.0).item(), 0);
    }

    @Test
    void float32LeafGetsFloat32GradAndMixedDtypesPromote() {
        Tensor a = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {3, 4}, 2).requiresGrad(true);
        Tensor y = a.mul(b);
        assertEquals(DType.FLOAT64, y.dtype());
        y.sum().backward();
        assertEquals(DType.FLOAT32, a.grad().dtype());
        assertEquals(DType.FLOAT64, b.grad().dtype());
        assertArrayEquals(new float[] {3f, 4f}, a.grad().toFloatArray());
        assertArrayEquals(new double[] {1, 2}, b.grad().toDoubleArray(), 0);

        Tensor c = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        c.exp().sum().backward();
        assertEquals(DType.FLOAT32, c.exp().dtype());
        assertEquals(DType.FLOAT32, c.grad().dtype());
    }

    @Test
    void dtypeConversionIsDifferentiable() {
        Tensor x = Tensor.of(0.5, 1.5).requiresGrad(true);
        Tensor y = x.to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, y.dtype());
        assertEquals("to", y.opName());
        y.square().sum().backward();
        assertEquals(DType.FLOAT64, x.grad().dtype());
        assertArrayEquals(new double[] {1, 3}, x.grad().toDoubleArray(), 1e-6);
        GradCheck.assertGradients(in -> in[0].to(DType.FLOAT32).to(DType.FLOAT64).mul(in[0]),
                GradCheck.Options.DEFAULT.withEps(1e-3).withTolerance(1e-4, 1e-4), Tensor.of(0.5, 1.5));
    }
}
