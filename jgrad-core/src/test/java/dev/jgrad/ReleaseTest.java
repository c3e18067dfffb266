package dev.jgrad;

import dev.jgrad.autograd.TensorAccess;
import dev.jgrad.kernels.ArrayPool;
import dev.jgrad.kernels.FreshArrays;
import dev.jgrad.kernels.ResultArrays;
import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Tensor#release()}: a released tensor's array goes to the next result of its size and
 * dtype, with that result's values; every reader of the released elements — the tensor, its
 * views, its base, a graph that saved it — fails clearly instead of seeing the new values; pending
 * expressions that read them are computed first; jgrad's own shared constants stay.
 */
class ReleaseTest {

    @BeforeEach
    @AfterEach
    void emptyPool() {
        ArrayPool.clear();
    }

    private static Tensor random(DType dtype, long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        Tensor t = Tensor.of(v, shape);
        return dtype == DType.FLOAT32 ? t.to(DType.FLOAT32) : t;
    }

    private static Object array(Tensor t) {
        Storage s = TensorAccess.value(t).storage();
        return s instanceof Storage.F64(double[] d, _) ? d : ((Storage.F32) s).data();
    }

    private static void assertReleasedRead(Executable read) {
        IllegalStateException e = assertThrows(IllegalStateException.class, read);
        assertTrue(e.getMessage().contains("Tensor.release()"), e.getMessage());
    }

    @Test
    void theNextProductOfTheSameSizeReusesTheArrayWithItsOwnValues() {
        for (DType dtype : DType.values()) {
            Tensor a = random(dtype, 1, 64, 64);
            Tensor b = random(dtype, 2, 64, 64);
            double[] aValues = a.toDoubleArray();
            Tensor c = a.matmul(b);
            double[] expected = c.toDoubleArray();
            Object kept = array(c);
            c.release();
            assertTrue(c.isReleased());
            assertEquals(1, ArrayPool.kept());
            Tensor d = b.matmul(a);
            assertSame(kept, array(d), dtype + ": the released array is reused");
            assertEquals(0, ArrayPool.kept());
            Tensor again = a.matmul(b);
            assertNotSame(kept, array(again));
            assertArrayEquals(expected, again.toDoubleArray(), 0.0);
            assertArrayEquals(aValues, a.toDoubleArray(), 0.0, "the operands are untouched");
            // b·a computed into the reused array is b·a, not a·b.
            Tensor fresh = b.matmul(a);
            assertArrayEquals(fresh.toDoubleArray(), d.toDoubleArray(), 0.0);
        }
    }

    @Test
    void anElementwiseResultReusesTheArrayToo() {
        Tensor x = random(DType.FLOAT64, 3, 30, 40);
        Tensor y = x.mul(3.0);
        Object kept = array(y);
        y.release();
        Tensor z = x.add(1.0);
        assertSame(kept, array(z));
        double[] xs = x.toDoubleArray();
        double[] zs = z.toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(xs[i] + 1.0, zs[i], 0.0);
        }
    }

    @Test
    void readingAReleasedTensorOrAnyTensorSharingItsElementsThrows() {
        Tensor base = random(DType.FLOAT64, 4, 8, 16);
        Tensor view = base.transpose(0, 1);
        Tensor reshaped = base.reshape(128);
        Tensor row = base.slice(0, 2, 3);
        base.release();
        assertReleasedRead(base::toDoubleArray);
        assertReleasedRead(() -> base.add(1.0));
        assertReleasedRead(() -> base.sum().item());
        assertReleasedRead(view::toDoubleArray);
        assertReleasedRead(() -> reshaped.mul(reshaped));
        assertReleasedRead(() -> row.get(0, 0));
        assertTrue(view.isReleased());
        // Shape and dtype stay readable, and printing says what happened instead of throwing.
        assertArrayEquals(new int[] {16, 8}, view.shape());
        assertEquals(DType.FLOAT64, base.dtype());
        assertEquals("tensor(<released>, size=[8, 16], dtype=float64)", base.toString());
    }

    @Test
    void releasingAViewEndsItsBaseToo() {
        Tensor base = random(DType.FLOAT32, 5, 6, 50);
        Tensor view = base.slice(1, 10, 30);
        view.release();
        assertReleasedRead(base::toFloatArray);
    }

    @Test
    void releasingTwiceDoesNothingMore() {
        Tensor t = random(DType.FLOAT64, 6, 400);
        t.release();
        t.release();
        assertEquals(1, ArrayPool.kept(), "offered once");
    }

    @Test
    void pendingExpressionsReadingTheElementsAreComputedFirst() {
        // Large enough to be deferred: exp(x) and a pending sum over it are still expressions when x goes.
        int n = 1 << 16;
        Tensor x = random(DType.FLOAT64, 7, n);
        double[] xs = x.toDoubleArray();
        Tensor y = x.exp();
        Tensor w = x.mul(x).add(1.0);
        Tensor s = x.sin().sum();
        x.release();
        double[] ys = y.toDoubleArray();
        double[] ws = w.toDoubleArray();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(Math.exp(xs[i]), ys[i], 1e-15 * Math.exp(xs[i]));
            assertEquals(xs[i] * xs[i] + 1.0, ws[i], 0.0);
        }
        Tensor reference = Tensor.of(xs).sin().sum();
        assertEquals(reference.item(), s.item(), 0.0);
        assertReleasedRead(x::toDoubleArray);
    }

    @Test
    void releasingAPendingTensorComputesItThenEndsIt() {
        Tensor x = random(DType.FLOAT32, 8, 1 << 16);
        Tensor y = x.tanh();
        y.release();
        assertTrue(y.isReleased());
        assertReleasedRead(y::toFloatArray);
        assertFalse(x.isReleased());
        x.toFloatArray();
    }

    @Test
    void backwardThroughAGraphThatSavedAReleasedTensorThrows() {
        Tensor w = random(DType.FLOAT64, 9, 20, 30).requiresGrad(true);
        Tensor x = random(DType.FLOAT64, 10, 30, 5);
        Tensor loss = w.matmul(x).tanh().sum();
        x.release();
        assertReleasedRead(loss::backward);
    }

    @Test
    void releasingAfterBackwardLeavesTheGradients() {
        Tensor w = random(DType.FLOAT64, 11, 20, 30).requiresGrad(true);
        Tensor x = random(DType.FLOAT64, 12, 30, 20);   // as many elements as w and its gradient
        Tensor y = w.matmul(x);
        y.sum().backward();
        double[] grad = w.grad().toDoubleArray();
        y.release();
        x.release();
        assertArrayEquals(grad, w.grad().toDoubleArray(), 0.0);
        // A new result of the gradient's size takes x's array, not the gradient's (when it is
        // computed: the test runs may defer element-wise results of this size).
        Tensor w2 = w.detach().mul(2.0);
        assertEquals(2.0 * w.get(3, 4), w2.get(3, 4), 0.0);
        assertEquals(1, ArrayPool.kept(), "x's array taken, y's left");
        assertArrayEquals(grad, w.grad().toDoubleArray(), 0.0);
    }

    @Test
    void zeroFilledRequestsGetTheArrayZeroedAndResultRequestsInPoisonModeGetNaN() {
        double[] released = new double[1000];
        Arrays.fill(released, 7.0);
        ArrayPool.offer(released);
        double[] zeroed = FreshArrays.doubles(1000);
        assertSame(released, zeroed);
        for (double v : zeroed) {
            assertEquals(0.0, v, 0.0);
        }
        float[] releasedF = new float[1000];
        Arrays.fill(releasedF, 7f);
        ArrayPool.offer(releasedF);
        float[] result = ResultArrays.floats(1000);
        assertSame(releasedF, result);
        if (ResultArrays.mode().equals("poison")) {
            for (float v : result) {
                assertTrue(Float.isNaN(v));
            }
        }
        assertEquals(0, ArrayPool.kept());
    }

    @Test
    void smallArraysAndFullSizesAreNotKept() {
        ArrayPool.offer(new float[255]);
        assertEquals(0, ArrayPool.kept());
        for (int i = 0; i < 6; i++) {
            ArrayPool.offer(new float[300]);
        }
        assertEquals(4, ArrayPool.kept(), "at most four per size");
        ArrayPool.offer(new double[300]);
        assertEquals(5, ArrayPool.kept(), "float64 of the same length is another size");
        assertEquals(null, ArrayPool.doubles(299));
        assertEquals(300, ArrayPool.doubles(300).length);
    }

    @Test
    void jgradsSharedZeroSurvivesARelease() {
        // The gradient for an input the function ignores is a view of one zero jgrad shares:
        // releasing it must leave that zero for everyone else.
        Tensor a = random(DType.FLOAT64, 13, 3, 4);
        Tensor b = random(DType.FLOAT64, 14, 3, 4);
        Tensor[] g = Functional.grad(xs -> xs[0].sum(), a, b);
        g[1].release();
        assertFalse(g[1].isReleased());
        Tensor[] again = Functional.grad(xs -> xs[0].sum(), a, b);
        assertEquals(0.0, again[1].sum().item(), 0.0);
        assertEquals(0.0, g[1].sum().item(), 0.0);
    }

    @Test
    void threadsReleasingAndComputingAtOnceEachGetTheirOwnValues() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 100 + t;
                done.add(pool.submit(() -> {
                    // Every thread uses the same sizes, so arrays released by one go to the others.
                    Tensor a = random(DType.FLOAT64, seed, 64, 64);
                    Tensor b = random(DType.FLOAT64, seed + 50, 64, 64);
                    double[] product = a.matmul(b).toDoubleArray();
                    double[] scaled = a.mul(2.0).toDoubleArray();
                    for (int i = 0; i < 300; i++) {
                        Tensor c = a.matmul(b);
                        Tensor d = a.mul(2.0);
                        assertArrayEquals(product, c.toDoubleArray(), 0.0);
                        assertArrayEquals(scaled, d.toDoubleArray(), 0.0);
                        c.release();
                        d.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
