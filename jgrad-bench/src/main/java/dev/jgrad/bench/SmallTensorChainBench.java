package dev.jgrad.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.jgrad.DType;
import dev.jgrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row "4×4 chain": {@value #OPS} float32 ops on 4×4 tensors with autograd on, cycling
 * h ← h + c, h ← h ∘ d, h ← h · m (m averages within rows, d is near 1, so values stay O(1) and
 * no gradient underflows to denormals). c, d, m and the start h all require a gradient. Per op =
 * time / {@value #OPS}. {@code forward}: records the graph, no backward. {@code forwardBackward}:
 * then h.sum().backward().
 */
public class SmallTensorChainBench extends BenchDefaults {
    static final int OPS = 1000;
    static final int N = 4;

    static double[] start() { return Inputs.normal(11, N * N, 1.0); }

    static double[] shift() { return Inputs.uniform(12, N * N, -0.1, 0.1); }

    static double[] scale() { return Inputs.uniform(13, N * N, 0.9, 1.1); }

    /** Columns sum to 1: each entry of h·m is a weighted average of a row of h, so h stays bounded. */
    static double[] averaging() {
        double[] m = Inputs.uniform(14, N * N, 0.2, 0.3);
        for (int col = 0; col < N; col++) {
            double sum = 0;
            for (int row = 0; row < N; row++) {
                sum += m[row * N + col];
            }
            for (int row = 0; row < N; row++) {
                m[row * N + col] /= sum;
            }
        }
        return m;
    }

    @State(Scope.Benchmark)
    public static class JgradSide {
        Tensor h0;
        Tensor c;
        Tensor d;
        Tensor m;

        @Setup(Level.Trial)
        public void setUp() {
            h0 = Inputs.tensor(start(), DType.FLOAT32, N, N).requiresGrad(true);
            c = Inputs.tensor(shift(), DType.FLOAT32, N, N).requiresGrad(true);
            d = Inputs.tensor(scale(), DType.FLOAT32, N, N).requiresGrad(true);
            m = Inputs.tensor(averaging(), DType.FLOAT32, N, N).requiresGrad(true);
        }
    }

    @State(Scope.Benchmark)
    public static class DjlSide {
        NDManager manager;
        NDArray h0;
        NDArray c;
        NDArray d;
        NDArray m;

        @Setup(Level.Trial)
        public void setUp() {
            manager = Djl.newManager();
            h0 = Djl.array(manager, start(), DType.FLOAT32, N, N);
            c = Djl.array(manager, shift(), DType.FLOAT32, N, N);
            d = Djl.array(manager, scale(), DType.FLOAT32, N, N);
            m = Djl.array(manager, averaging(), DType.FLOAT32, N, N);
            for (NDArray p : new NDArray[] {h0, c, d, m}) {
                p.setRequiresGradient(true);
            }
            JgradSide j = new JgradSide();
            j.setUp();
            Tensor out = chain(j.h0, j.c, j.d, j.m).sum();
            out.backward();
            try (NDManager sub = manager.newSubManager()) {
                tempAttach(sub);
                NDArray y;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    y = chain(h0, c, d, m).sum();
                    collector.backward(y);
                }
                Inputs.checkClose("4x4 chain sum(h)", out.item(), Djl.scalar(y), 1e-3);
                Inputs.checkClose("4x4 chain sum(dL/dm)", j.m.grad().sum().item(), Djl.scalar(m.getGradient().sum()), 1e-3);
            }
        }

        void tempAttach(NDManager sub) {
            for (NDArray p : new NDArray[] {h0, c, d, m}) {
                p.tempAttach(sub);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    static Tensor chain(Tensor h, Tensor c, Tensor d, Tensor m) {
        for (int i = 0; i < OPS; i++) {
            h = switch (i % 3) {
                case 0 -> h.add(c);
                case 1 -> h.mul(d);
                default -> h.matmul(m);
            };
        }
        return h;
    }

    static NDArray chain(NDArray h, NDArray c, NDArray d, NDArray m) {
        for (int i = 0; i < OPS; i++) {
            h = switch (i % 3) {
                case 0 -> h.add(c);
                case 1 -> h.mul(d);
                default -> h.matMul(m);
            };
        }
        return h;
    }

    @Benchmark
    public Tensor jgradForward(JgradSide s) {
        return chain(s.h0, s.c, s.d, s.m);
    }

    @Benchmark
    public Tensor jgradForwardBackward(JgradSide s) {
        Tensor h = chain(s.h0, s.c, s.d, s.m);
        h.sum().backward();
        return s.m.grad();
    }

    @Benchmark
    public NDArray djlForward(DjlSide s) {
        try (NDManager sub = s.manager.newSubManager();
                GradientCollector _ = Engine.getInstance().newGradientCollector()) {
            s.tempAttach(sub);
            return chain(s.h0, s.c, s.d, s.m);
        }
    }

    @Benchmark
    public NDArray djlForwardBackward(DjlSide s) {
        try (NDManager sub = s.manager.newSubManager()) {
            s.tempAttach(sub);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(chain(s.h0, s.c, s.d, s.m).sum());
            }
            return s.m.getGradient();
        }
    }
}
