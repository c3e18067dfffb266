package dev.jgrad.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.jgrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row "0-d scalar graph": {@value #STEPS} steps of a ← a·b + tanh(c), three float64 0-d ops each
 * ({@value #OPS} ops), a, b and c leaves that require a gradient; then a.backward(). Per op =
 * time / {@value #OPS}. {@code forward} records the graph without the backward pass.
 */
public class ScalarGraphBench extends BenchDefaults {
    static final int STEPS = 3334;
    static final int OPS = 3 * STEPS;
    static final double A = 0.3;
    static final double B = 0.5;
    static final double C = -0.2;

    @State(Scope.Benchmark)
    public static class JgradSide {
        Tensor a;
        Tensor b;
        Tensor c;

        @Setup(Level.Trial)
        public void setUp() {
            a = Tensor.scalar(A).requiresGrad(true);
            b = Tensor.scalar(B).requiresGrad(true);
            c = Tensor.scalar(C).requiresGrad(true);
        }
    }

    @State(Scope.Benchmark)
    public static class DjlSide {
        NDManager manager;
        NDArray a;
        NDArray b;
        NDArray c;

        @Setup(Level.Trial)
        public void setUp() {
            manager = Djl.newManager();
            a = manager.create(A);
            b = manager.create(B);
            c = manager.create(C);
            for (NDArray p : new NDArray[] {a, b, c}) {
                p.setRequiresGradient(true);
            }
            JgradSide j = new JgradSide();
            j.setUp();
            Tensor out = graph(j.a, j.b, j.c);
            out.backward();
            try (NDManager sub = manager.newSubManager()) {
                tempAttach(sub);
                NDArray y;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    y = graph(a, b, c);
                    collector.backward(y);
                }
                Inputs.checkClose("scalar graph a", out.item(), Djl.scalar(y), 1e-12);
                Inputs.checkClose("scalar graph d/db", j.b.grad().item(), Djl.scalar(b.getGradient()), 1e-12);
            }
        }

        void tempAttach(NDManager sub) {
            for (NDArray p : new NDArray[] {a, b, c}) {
                p.tempAttach(sub);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    static Tensor graph(Tensor a, Tensor b, Tensor c) {
        for (int i = 0; i < STEPS; i++) {
            a = a.mul(b).add(c.tanh());
        }
        return a;
    }

    static NDArray graph(NDArray a, NDArray b, NDArray c) {
        for (int i = 0; i < STEPS; i++) {
            a = a.mul(b).add(c.tanh());
        }
        return a;
    }

    @Benchmark
    public Tensor jgradForward(JgradSide s) {
        return graph(s.a, s.b, s.c);
    }

    @Benchmark
    public Tensor jgradForwardBackward(JgradSide s) {
        graph(s.a, s.b, s.c).backward();
        return s.b.grad();
    }

    @Benchmark
    public NDArray djlForward(DjlSide s) {
        try (NDManager sub = s.manager.newSubManager();
                GradientCollector _ = Engine.getInstance().newGradientCollector()) {
            s.tempAttach(sub);
            return graph(s.a, s.b, s.c);
        }
    }

    @Benchmark
    public NDArray djlForwardBackward(DjlSide s) {
        try (NDManager sub = s.manager.newSubManager()) {
            s.tempAttach(sub);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(graph(s.a, s.b, s.c));
            }
            return s.b.getGradient();
        }
    }
}
