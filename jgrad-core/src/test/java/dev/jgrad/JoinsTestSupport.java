package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Derivative checks shared by JoinsTest and IndexingTest: reverse, forward and second order against
 * central finite differences in float64.
 */
final class JoinsTestSupport {
    private static final double H = 1e-6;
    private static final double TOL = 1e-6;

    private JoinsTestSupport() {
    }

    /** Fresh leaves holding the same values as {@code xs} (contiguous, float64). */
    static Tensor[] leaves(Tensor[] xs, boolean requiresGrad) {
        Tensor[] out = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = Tensor.of(xs[i].toDoubleArray(), xs[i].shape()).requiresGrad(requiresGrad);
        }
        return out;
    }

    /** Reverse gradient of {@code <f(xs), W>} (W fixed random weights) against central differences. */
    static void checkVjp(Function<Tensor[], Tensor> f, Tensor... xs) {
        Tensor[] ls = leaves(xs, true);
        Tensor y = f.apply(ls);
        Tensor w = Tensor.randn(99, y.shape());
        y.mul(w).sum().backward();
        for (int i = 0; i < xs.length; i++) {
            double[] fd = finiteDifference(p -> f.apply(p).mul(w).sum().item(), xs, i);
            assertClose(fd, ls[i].grad().toDoubleArray(), "gradient of input " + i);
            assertArrayEquals(xs[i].shape(), ls[i].grad().shape());
        }
    }

    /** Forward tangent of f along random directions against central differences of f. */
    static void checkJvp(Function<Tensor[], Tensor> f, Tensor... xs) {
        ForwardTag tag = new ForwardTag();
        Tensor[] ls = leaves(xs, false);
        Tensor[] dirs = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            dirs[i] = Tensor.randn(7 + i, xs[i].shape());
            Autograd.seedTangent(ls[i], tag, dirs[i]);
        }
        Tensor tangent = Autograd.tangentOf(f.apply(ls), tag);
        tag.close();
        double[] plus = f.apply(shifted(xs, dirs, H)).toDoubleArray();
        double[] minus = f.apply(shifted(xs, dirs, -H)).toDoubleArray();
        double[] fd = new double[plus.length];
        for (int j = 0; j < fd.length; j++) {
            fd[j] = (plus[j] - minus[j]) / (2 * H);
        }
        assertClose(fd, tangent.toDoubleArray(), "tangent");
    }

    /**
     * Hessian-vector product of {@code L = sum(sin(f(xs))²)} by grad of grad (createGraph) against
     * central differences of the first-order gradient.
     */
    static void checkSecondOrder(Function<Tensor[], Tensor> f, Tensor... xs) {
        Function<Tensor[], Tensor> loss = p -> f.apply(p).sin().square().sum();
        Tensor[] v = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            v[i] = Tensor.randn(31 + i, xs[i].shape());
        }
        Tensor[] ls = leaves(xs, true);
        loss.apply(ls).backward(null, false, true);
        Tensor gv = Tensor.scalar(0);
        for (int i = 0; i < xs.length; i++) {
            gv = gv.add(ls[i].grad().mul(v[i]).sum());
        }
        for (Tensor l : ls) {
            l.zeroGrad();
        }
        gv.backward();
        Tensor[] hv = forwardOverReverse(loss, xs, v);
        for (int i = 0; i < xs.length; i++) {
            double[] fd = finiteDifference(p -> gradientDot(loss, p, v), xs, i);
            assertClose(fd, ls[i].grad().toDoubleArray(), "Hessian-vector product for input " + i);
        }
        // H is symmetric, so H·v from forward-over-reverse must equal the reverse-over-reverse result.
        for (int i = 0; i < xs.length; i++) {
            assertClose(ls[i].grad().toDoubleArray(), hv[i].toDoubleArray(), "forward-over-reverse H·v for input " + i);
        }
    }

    /** H·v as the tangent (seeded with v) of the gradient computed by a recorded backward pass. */
    private static Tensor[] forwardOverReverse(Function<Tensor[], Tensor> loss, Tensor[] xs, Tensor[] v) {
        ForwardTag tag = new ForwardTag();
        Tensor[] ls = leaves(xs, true);
        for (int i = 0; i < xs.length; i++) {
            Autograd.seedTangent(ls[i], tag, v[i]);
        }
        loss.apply(ls).backward(null, false, true);
        Tensor[] hv = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            hv[i] = Autograd.tangentOf(ls[i].grad(), tag);
        }
        tag.close();
        return hv;
    }

    /** {@code Σ_i <∇_i loss(xs), v_i>} by a plain first-order backward pass. */
    private static double gradientDot(Function<Tensor[], Tensor> loss, Tensor[] xs, Tensor[] v) {
        Tensor[] ls = leaves(xs, true);
        loss.apply(ls).backward();
        double s = 0;
        for (int i = 0; i < xs.length; i++) {
            double[] g = ls[i].grad().toDoubleArray();
            double[] vi = v[i].toDoubleArray();
            for (int j = 0; j < g.length; j++) {
                s += g[j] * vi[j];
            }
        }
        return s;
    }

    /** Central differences of a scalar function with respect to every element of input {@code i}. */
    private static double[] finiteDifference(java.util.function.ToDoubleFunction<Tensor[]> obj, Tensor[] xs, int i) {
        double[] base = xs[i].toDoubleArray();
        double[] fd = new double[base.length];
        for (int j = 0; j < base.length; j++) {
            Tensor[] p = leaves(xs, false);
            Tensor[] m = leaves(xs, false);
            p[i] = perturbed(base, xs[i].shape(), j, H);
            m[i] = perturbed(base, xs[i].shape(), j, -H);
            fd[j] = (obj.applyAsDouble(p) - obj.applyAsDouble(m)) / (2 * H);
        }
        return fd;
    }

    private static Tensor perturbed(double[] base, int[] shape, int j, double h) {
        double[] d = base.clone();
        d[j] += h;
        return Tensor.of(d, shape);
    }

    private static Tensor[] shifted(Tensor[] xs, Tensor[] dirs, double h) {
        Tensor[] out = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = xs[i].add(dirs[i].mul(h));
        }
        return out;
    }

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int j = 0; j < expected.length; j++) {
            if (Math.abs(expected[j] - actual[j]) > TOL * (1 + Math.abs(expected[j]))) {
                fail(what + " differs at flat index " + j + ": expected " + expected[j] + " but got " + actual[j]);
            }
        }
    }

    /** Asserts an IllegalArgumentException whose message contains every fragment. */
    static void assertBadInput(Runnable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    /** Row-major values of a tensor of the given shape from {@code 0.1·k + offset} (distinct, deterministic). */
    static Tensor ramp(double offset, int... shape) {
        double[] d = new double[dev.jgrad.tensor.Shapes.numel(shape)];
        for (int k = 0; k < d.length; k++) {
            d[k] = 0.1 * k + offset;
        }
        return Tensor.of(d, shape);
    }
}
