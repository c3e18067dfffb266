package dev.jgrad.bench;

import dev.jgrad.Functional;
import dev.jgrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Row "Hessian-vector product": H(x)·v of f(x) = sum(tanh(A x)), A 512×512, float64, without
 * forming H. The peer is PyTorch only (torch.autograd.functional.hvp in bench/torch_bench.py,
 * workload "hvp"); DJL has no hvp.
 *
 * <p>PENDING: needs {@code dev.jgrad.Functional.hvp(f, x, v)} (issue 3). Move this file to
 * jgrad-bench/src/main/java/dev/jgrad/bench/ once it exists; bench/report.py already knows the row.
 */
public class HvpBench extends BenchDefaults {
    static final int N = 512;

    @State(Scope.Benchmark)
    public static class JgradSide {
        Tensor a;
        Tensor x;
        Tensor v;

        @Setup(Level.Trial)
        public void setUp() {
            a = Tensor.of(Inputs.normal(51, N * N, 1.0 / Math.sqrt(N)), N, N);
            x = Tensor.of(Inputs.normal(52, N, 1.0), N);
            v = Tensor.of(Inputs.normal(53, N, 1.0), N);
            // Known answer: H = Aᵀ diag(tanh''(Ax)) A with tanh''(z) = -2 tanh(z) (1 - tanh²(z)).
            Tensor t = a.matmul(x).tanh();
            Tensor expected = a.mT().matmul(t.mul(t.square().neg().add(1.0)).mul(-2.0).mul(a.matmul(v)));
            Tensor got = Functional.hvp(this::f, x, v);
            if (!got.allClose(expected, 1e-9, 1e-12)) {
                throw new IllegalStateException("hvp: jgrad's Hessian-vector product differs from Aᵀ diag(tanh''(Ax)) A v");
            }
        }

        Tensor f(Tensor in) {
            return a.matmul(in).tanh().sum();
        }
    }

    @Benchmark
    public Tensor jgrad(JgradSide s) {
        return Functional.hvp(s::f, s.x, s.v);
    }
}
