package dev.jgrad.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.jgrad.DType;
import dev.jgrad.ForwardMode;
import dev.jgrad.GradScope;
import dev.jgrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Row "element-wise chain": y = tanh(exp(sin(x))·x + 1) over 10M elements. {@code forward}: no
 * gradient recorded. {@code forwardBackward}: x requires a gradient, y.sum().backward(), the
 * result is dL/dx. Each call starts from a fresh leaf (jgrad: a zero-copy detach; DJL: PyTorch's
 * detach, also zero-copy), so no call pays for accumulating into the previous call's gradient.
 *
 * <p>Forward mode (the third variant): x is a dual tensor with a tangent of ones, so y's
 * tangent is dy/dx element-wise, computed beside y (PyTorch counterpart: torch.autograd.forward_ad,
 * workload "chain_fwdmode" in bench/torch_bench.py; DJL has no forward mode).
 *
 * <p>{@code forwardBackward} returns the loss sum(y) as well as the gradient: jgrad computes the
 * pending sum alongside the gradient's evaluation (one pass over x), and reading it proves it was.
 *
 * <p>jgrad defers element-wise results of this size until they are read (see
 * {@code Tensor.evaluate()}); every jgrad method ends with {@code evaluate()}, so the timed work
 * includes computing every element of the returned tensor.
 */
public class ElementwiseChainBench extends BenchDefaults {
    static final int SIZE = 10_000_000;

    @State(Scope.Benchmark)
    public static class Input {
        @Param({"float32", "float64"})
        public String dtype;

        DType type;
        double[] x;

        @Setup(Level.Trial)
        public void setUp() {
            type = dtype.equals("float32") ? DType.FLOAT32 : DType.FLOAT64;
            x = Inputs.uniform(3, SIZE, -2, 2);
        }
    }

    @State(Scope.Benchmark)
    public static class JgradSide {
        Tensor x;
        Tensor ones;

        @Setup(Level.Trial)
        public void setUp(Input in) {
            x = Inputs.tensor(in.x, in.type, SIZE);
            ones = Tensor.onesLike(x);
            // Forward mode and reverse mode must agree: the tangent of ones is the gradient of sum(y).
            Tensor leaf = x.detach().requiresGrad(true);
            chain(leaf).sum().backward();
            Tensor tangent = forwardMode(x, ones);
            Inputs.checkClose("chain forward vs reverse mode", leaf.grad().sum().item(), tangent.sum().item(),
                    in.type == DType.FLOAT32 ? 1e-4 : 1e-10);
        }
    }

    static Tensor forwardMode(Tensor x, Tensor tangent) {
        try (GradScope _ = Tensor.noGrad(); ForwardMode fwd = ForwardMode.begin()) {
            return fwd.tangentOf(chain(fwd.dual(x, tangent)));
        }
    }

    @State(Scope.Benchmark)
    public static class DjlSide {
        NDManager manager;
        NDArray x;

        @Setup(Level.Trial)
        public void setUp(Input in) {
            manager = Djl.newManager();
            x = Djl.array(manager, in.x, in.type, SIZE);
            // Same function on both sides: compare sum(y) and sum(dy/dx) once.
            Tensor jx = Inputs.tensor(in.x, in.type, SIZE).requiresGrad(true);
            Tensor jy = chain(jx).sum();
            jy.backward();
            double tol = in.type == DType.FLOAT32 ? 1e-4 : 1e-10;
            try (NDManager sub = manager.newSubManager()) {
                NDArray leaf = x.stopGradient();
                leaf.attach(sub);
                leaf.setRequiresGradient(true);
                NDArray y;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    y = chain(leaf).sum();
                    collector.backward(y);
                }
                Inputs.checkClose("chain sum(y)", jy.item(), Djl.scalar(y), tol);
                Inputs.checkClose("chain sum(dy/dx)", jx.grad().sum().item(), Djl.scalar(leaf.getGradient().sum()), tol);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    static Tensor chain(Tensor x) {
        return x.sin().exp().mul(x).add(1.0).tanh();
    }

    static NDArray chain(NDArray x) {
        return x.sin().exp().mul(x).add(1.0).tanh();
    }

    @Benchmark
    public Tensor jgradForward(JgradSide s) {
        try (GradScope _ = Tensor.noGrad()) {
            // Element-wise results are deferred until read: evaluate() computes them (as JAX's block_until_ready).
            return chain(s.x).evaluate();
        }
    }

    @Benchmark
    public double jgradForwardBackward(JgradSide s, Blackhole bh) {
        Tensor leaf = s.x.detach().requiresGrad(true);
        Tensor loss = chain(leaf).sum();
        loss.backward();
        bh.consume(leaf.grad().evaluate());
        // The loss is read too: jgrad computes it in the gradient's pass (docs/performance-notes.md,
        // "Loss and gradient in one pass"), PyTorch in its forward pass; either way both are produced.
        return loss.item();
    }

    @Benchmark
    public Tensor jgradForwardMode(JgradSide s) {
        return forwardMode(s.x, s.ones).evaluate();
    }

    @Benchmark
    public NDArray djlForward(DjlSide s) {
        try (NDManager sub = s.manager.newSubManager()) {
            s.x.tempAttach(sub);
            return chain(s.x);
        }
    }

    @Benchmark
    public NDArray djlForwardBackward(DjlSide s) {
        try (NDManager sub = s.manager.newSubManager()) {
            NDArray leaf = s.x.stopGradient();
            leaf.attach(sub);
            leaf.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(chain(leaf).sum());
            }
            return leaf.getGradient();
        }
    }
}
