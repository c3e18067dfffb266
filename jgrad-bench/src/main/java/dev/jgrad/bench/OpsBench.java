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
 * Informational rows "ops" (no target in issue 4): ops a user calls that the target rows do not
 * time, on a 1024 × 1024 float32 tensor uniform in [−4, 4] — softmax, logSoftmax and logsumexp
 * along rows, norm of all elements, a transposed view made contiguous, pow(2.5) (of |x|, the
 * input taken positive in setup), max along rows (ties share the gradient evenly: PyTorch's amax)
 * x.mT() + x (an element-wise op with a swapped operand), the sum down the columns, sum(0) (a bias
 * gradient's shape), and softmax down the columns, softmax(0) (the kernel's column form, as for
 * softmax over the channels of [N, C, H, W]). {@code forward}: no gradient recorded. {@code forwardBackward}:
 * from a fresh leaf, y = f(x) evaluated, then y.backward() with its default seed of ones, as
 * PyTorch's y.backward(torch.ones(()).expand_as(y)). PyTorch counterparts: workloads "ops_fwd" and
 * "ops_fwdbwd" in bench/torch_bench.py.
 */
public class OpsBench extends BenchDefaults {
    static final int N = 1024;

    @State(Scope.Benchmark)
    public static class Input {
        @Param({"softmax", "logSoftmax", "logsumexp", "norm", "transposeCopy", "pow", "max", "addTransposed", "sumColumns", "softmaxColumns"})
        public String op;

        Tensor x;

        @Setup(Level.Trial)
        public void setUp() {
            double[] v = Inputs.uniform(7, N * N, -4, 4);
            if (op.equals("pow")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.abs(v[i]);
                }
            }
            x = Inputs.tensor(v, DType.FLOAT32, N, N);
        }
    }

    static Tensor apply(String op, Tensor x) {
        return switch (op) {
            case "softmax" -> x.softmax(1);
            case "logSoftmax" -> x.logSoftmax(1);
            case "logsumexp" -> x.logsumexp(1);
            case "norm" -> x.norm();
            case "transposeCopy" -> x.transpose(0, 1).contiguous();
            case "pow" -> x.pow(2.5);
            case "max" -> x.max(1);
            case "addTransposed" -> x.transpose(0, 1).add(x);
            case "sumColumns" -> x.sum(0);
            case "softmaxColumns" -> x.softmax(0);
            default -> throw new IllegalArgumentException("OpsBench: unknown op " + op);
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
