package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Functional transforms" example, verbatim apart from the assertions; keep them in sync. */
class ReadmeTransformsExamplesTest {

    @Test
    void functionalTransforms() {
        Function<Tensor, Tensor> f = x -> x.sin().mul(x).sum();
        Tensor x = Tensor.of(0.3, -0.4, 1.2);
        Tensor g = Functional.grad(f, x);                        // ∇f(x) = cos(x)·x + sin(x)
        Functional.ValueAndGrad vg = Functional.valueAndGrad(f, x);
        Tensor[] gs = Functional.grad(xs -> xs[0].mul(xs[1]).sum(), x, x.exp());   // several inputs
        Tensor d2 = Functional.grad(Functional.grad(t -> t.pow(3.0))).apply(Tensor.scalar(2.0));   // 6x = 12

        Functional.JvpResult fwd = Functional.jvp(f, x, Tensor.of(1.0, 0.0, 0.0));  // f(x) and J·v, one forward pass
        Functional.Pullback back = Functional.vjp(t -> t.softmax(0), x);           // f(x) and w ↦ Jᵀw, reusable
        Tensor jtw = back.apply(Tensor.of(1.0, 0.0, 0.0));

        Jacobian j = Functional.jacobian(t -> t.softmax(0), x);   // mode chosen from the sizes
        Tensor dense = j.toDense();                               // shape [3, 3] = output shape ++ input shape
        Jacobian h = Functional.hessian(t -> t.logsumexp(0), x);  // forward-over-reverse
        Tensor hv = Functional.hvp(f, x, Tensor.of(1.0, 1.0, 1.0)); // H·v without forming H

        double[] xs = x.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(Math.cos(xs[i]) * xs[i] + Math.sin(xs[i]), g.toDoubleArray()[i], 1e-12);
            assertEquals(2 * Math.cos(xs[i]) - xs[i] * Math.sin(xs[i]), hv.toDoubleArray()[i], 1e-12);
        }
        assertArrayEquals(g.toDoubleArray(), vg.grad().toDoubleArray(), 0);
        assertArrayEquals(x.exp().toDoubleArray(), gs[0].toDoubleArray(), 1e-15);
        assertEquals(12.0, d2.item(), 1e-12);
        assertEquals(g.toDoubleArray()[0], fwd.tangent().item(), 1e-12);
        assertArrayEquals(dense.slice(0, 0, 1).reshape(3).toDoubleArray(), jtw.toDoubleArray(), 1e-15);
        assertArrayEquals(new int[] {3, 3}, dense.shape());
        assertFalse(j.isDiagonal());
        assertArrayEquals(new int[] {3, 3}, h.toDense().shape());
        assertTrue(Functional.jacobian(t -> t.tanh(), x).isDiagonal());
    }
}
