package dev.jgrad;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BackwardBasicsTest {

    @Test
    void broadcastMulTanhSumGradients() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {0.5, -1, 2}, 3).requiresGrad(true);
        x.mul(b).tanh().sum().backward();
        double[] xs = x.toDoubleArray();
        double[] bs = b.toDoubleArray();
        double[] gx = new double[6];
        double[] gb = new double[3];
        for (int i = 0; i < 6; i++) {
            double t = Math.tanh(xs[i] * bs[i % 3]);
            gx[i] = (1 - t * t) * bs[i % 3];
            gb[i % 3] += (1 - t * t) * xs[i];
        }
        assertArrayEquals(gx, x.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(gb, b.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void gradOfGradThroughCreateGraph() {
        Tensor z = Tensor.scalar(0.7).requiresGrad(true);
        z.sin().mul(z).backward(null, false, true);
        Tensor g = z.grad();
        assertEquals(Math.cos(0.7) * 0.7 + Math.sin(0.7), g.item(), 1e-12);
        z.zeroGrad();
        g.backward();
        assertEquals(-Math.sin(0.7) * 0.7 + 2 * Math.cos(0.7), z.grad().item(), 1e-12);
    }
}
