package dev.jgrad;

import dev.jgrad.autograd.TensorAccess;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** noGrad / enableGrad scopes, detach and leaf rules. */
class GradModeTest {

    @Test
    void noGradStopsRecordingAndRestoresOnClose() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        assertTrue(Tensor.isGradEnabled());
        try (GradScope _ = Tensor.noGrad()) {
            Tensor y = x.mul(2.0);
            assertFalse(y.requiresGrad());
            assertNull(y.opName());
            assertFalse(Tensor.isGradEnabled());
        }
        assertTrue(Tensor.isGradEnabled());
        assertTrue(x.mul(2.0).requiresGrad());
    }

    @Test
    void nestedScopesRestoreTheOuterSetting() {
        try (GradScope _ = Tensor.noGrad()) {
            try (GradScope _ = Tensor.enableGrad()) {
                assertTrue(Tensor.isGradEnabled());
                assertTrue(Tensor.ones(1).requiresGrad(true).exp().requiresGrad());
                try (GradScope _ = Tensor.noGrad()) {
                    assertFalse(Tensor.isGradEnabled());
                }
                assertTrue(Tensor.isGradEnabled());
            }
            assertFalse(Tensor.isGradEnabled());
        }
        assertTrue(Tensor.isGradEnabled());
    }

    @Test
    void closingTwiceIsHarmless() {
        GradScope s = Tensor.noGrad();
        s.close();
        try (GradScope _ = Tensor.noGrad()) {
            s.close();
            assertFalse(Tensor.isGradEnabled());
        }
        assertTrue(Tensor.isGradEnabled());
    }

    @Test
    void noGradIsPerThread() throws Exception {
        CountDownLatch inScope = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicBoolean otherRecorded = new AtomicBoolean();
        Thread other = new Thread(() -> {
            try {
                inScope.await();
                otherRecorded.set(Tensor.ones(1).requiresGrad(true).exp().requiresGrad() && Tensor.isGradEnabled());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                checked.countDown();
            }
        });
        other.start();
        try (GradScope _ = Tensor.noGrad()) {
            inScope.countDown();
            checked.await();
            assertFalse(Tensor.ones(1).requiresGrad(true).exp().requiresGrad());
        }
        other.join();
        assertTrue(otherRecorded.get(), "noGrad on one thread must not switch recording off on another");
    }

    @Test
    void detachCutsTheGraphAndSharesValues() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor h = x.exp();
        Tensor d = h.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        assertSame(TensorAccess.value(h).storage(), TensorAccess.value(d).storage());
        x.mul(d).sum().backward();
        assertArrayEquals(new double[] {Math.exp(1), Math.exp(2)}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void onlyLeavesChangeRequiresGrad() {
        Tensor y = Tensor.ones(2).requiresGrad(true).mul(2.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> y.requiresGrad(false));
        assertTrue(e.getMessage().contains("mulScalar") && e.getMessage().contains("detach"), e.getMessage());
        assertFalse(y.isLeaf());
        assertTrue(y.detach().requiresGrad(true).isLeaf());
    }
}
