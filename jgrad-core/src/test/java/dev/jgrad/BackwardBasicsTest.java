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
    void zeroGradReadsZerosAndTheNextBackwardStoresItsGradient() {
        Tensor x = Tensor.of(new double[] {1, -2, 3}, 3).requiresGrad(true);
        x.mul(2).backward();
        x.zeroGrad();
        assertArrayEquals(new double[] {0, 0, 0}, x.grad().toDoubleArray());
        x.zeroGrad();
        // The gradient itself, not zeros plus it: −0 stays −0 (0 + −0 would be +0).
        x.mul(-0.0).backward();
        double[] g = x.grad().toDoubleArray();
        for (double v : g) {
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(v));
        }
        // Later passes still accumulate.
        x.mul(3).backward();
        x.mul(4).backward();
        assertArrayEquals(new double[] {7, 7, 7}, x.grad().toDoubleArray());
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

    /**
     * The default seed of a non-scalar output (ones, held as one element seen through a broadcast
     * view) gives what an explicit all-ones seed gives, in both dtypes and through the fused and
     * unfused rules, also where it reaches a leaf unchanged and is accumulated into several times.
     */
    @Test
    void defaultSeedOfOnesMatchesAnExplicitOne() {
        for (DType dtype : DType.values()) {
            double[] v = {-3, -0.5, 0, 0.25, 2, 7};
            Tensor x = Tensor.of(v, 2, 3).to(dtype).requiresGrad(true);
            x.silu().mul(x.transpose(0, 1).transpose(0, 1)).backward();
            double[] implicit = x.grad().toDoubleArray();
            Tensor x2 = Tensor.of(v, 2, 3).to(dtype).requiresGrad(true);
            Tensor y2 = x2.silu().mul(x2.transpose(0, 1).transpose(0, 1));
            y2.backward(Tensor.onesLike(y2));
            assertArrayEquals(x2.grad().toDoubleArray(), implicit, 0.0, dtype.toString());

            // The seed itself is the leaf's first gradient here; later ones add to it (into a buffer
            // the engine owns from the second on), never into the seed.
            Tensor leaf = Tensor.of(v, 2, 3).to(dtype).requiresGrad(true);
            for (int k = 1; k <= 3; k++) {
                leaf.add(1.0).backward();
                assertArrayEquals(new double[] {k, k, k, k, k, k}, leaf.grad().toDoubleArray(), 0.0, dtype + " after " + k);
            }
            Tensor empty = Tensor.zeros(dtype, 0, 3).requiresGrad(true);
            empty.mul(2.0).backward();
            assertArrayEquals(new int[] {0, 3}, empty.grad().shape());
        }
    }
}
