package dev.jgrad.bench;

import dev.jgrad.DType;
import dev.jgrad.GradScope;
import dev.jgrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Informational rows "activation" (no target in issue 4): one σ-based activation over 2²⁰ float32
 * elements uniform in [−4, 4] — GELU (tanh approximation; PyTorch {@code approximate="tanh"}),
 * SiLU, σ, softplus. {@code forward}: no gradient recorded. {@code forwardBackward}: from a fresh
 * leaf, y = f(x) is computed (evaluated inside the call: jgrad's σ-based reverse rules read x,
 * not y, so an unread y would otherwise never be computed), then y.backward() with its default
 * seed of ones (one element broadcast to y's shape), as PyTorch's
 * y.backward(torch.ones(()).expand_as(y)); the result is dL/dx. PyTorch
 * counterparts: workloads "act_fwd" and "act_fwdbwd" in bench/torch_bench.py. DJL is left out: its
 * GELU is the erf form.
 */
public class ActivationBench extends BenchDefaults {
    static final int SIZE = 1 << 20;

    @State(Scope.Benchmark)
    public static class Input {
        @Param({"gelu", "silu", "sigmoid", "softplus"})
        public String op;

        @Param({"float32"})
        public String dtype;

        Tensor x;

        @Setup(Level.Trial)
        public void setUp() {
            DType type = dtype.equals("float32") ? DType.FLOAT32 : DType.FLOAT64;
            x = Inputs.tensor(Inputs.uniform(5, SIZE, -4, 4), type, SIZE);
        }
    }

    static Tensor apply(String op, Tensor x) {
        return switch (op) {
            case "gelu" -> x.gelu();
            case "silu" -> x.silu();
            case "sigmoid" -> x.sigmoid();
            case "softplus" -> x.softplus();
            default -> throw new IllegalArgumentException("ActivationBench: unknown op " + op);
        };
    }

    @Benchmark
    public Tensor jgradForward(Input in) {
        try (GradScope _ = Tensor.noGrad()) {
            return apply(in.op, in.x).evaluate();
        }
    }

    @Benchmark
    public Tensor jgradForwardBackward(Input in, Blackhole bh) {
        Tensor leaf = in.x.detach().requiresGrad(true);
        Tensor y = apply(in.op, leaf);
        bh.consume(y.evaluate());
        y.backward();
        return leaf.grad().evaluate();
    }
}
