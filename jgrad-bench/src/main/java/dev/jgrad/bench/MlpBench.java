package dev.jgrad.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.jgrad.DType;
import dev.jgrad.GradScope;
import dev.jgrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Rows "MLP": 784-256-256-10, ReLU, mean softmax cross-entropy, batch 128, float32.
 * {@code step}: forward, backward, and a plain SGD update of all six parameters (jgrad: each
 * parameter replaced by a new leaf, as tensors are immutable — the pattern of the examples'
 * Adam; DJL: in-place update and in-place zeroing of the gradients, as DJL's own optimisers do).
 * {@code forward}: the loss with the graph recorded, no backward — the denominator of the
 * (forward+backward)/forward ratio. The learning rate is tiny so the weights barely move over a
 * run: every call does the same work.
 *
 * <p>Ten one-second warm-up iterations instead of four: the step runs the most distinct kernels of
 * any benchmark, and on 2 cores C2 takes 10 s or more to compile them all. With four, the measured
 * iterations still fell from about 6 to 3 ms as the last kernels were compiled (one JMH fork:
 * 4.8, 3.5, 2.9, 2.7, 3.1 ms after 3 × 2 s). A training run lasts far longer than that.
 */
@Warmup(iterations = 10, time = 1000, timeUnit = TimeUnit.MILLISECONDS)
public class MlpBench extends BenchDefaults {
    static final int BATCH = 128;
    static final int[] WIDTHS = {784, 256, 256, 10};
    static final double LEARNING_RATE = 1e-6;

    static double[] input() { return Inputs.normal(21, BATCH * WIDTHS[0], 1.0); }

    static int[] labels() { return Inputs.labels(22, BATCH, WIDTHS[3]); }

    /** He-initialised weights of layer {@code i} (fan-in × fan-out). */
    static double[] weight(int i) {
        return Inputs.normal(30 + i, WIDTHS[i] * WIDTHS[i + 1], Math.sqrt(2.0 / WIDTHS[i]));
    }

    static double[] bias(int i) { return Inputs.normal(40 + i, WIDTHS[i + 1], 0.01); }

    @State(Scope.Benchmark)
    public static class JgradSide {
        Tensor x;
        int[] labels;
        Tensor[] params = new Tensor[6];

        @Setup(Level.Trial)
        public void setUp() {
            x = Inputs.tensor(input(), DType.FLOAT32, BATCH, WIDTHS[0]);
            labels = labels();
            for (int i = 0; i < 3; i++) {
                params[2 * i] = Inputs.tensor(weight(i), DType.FLOAT32, WIDTHS[i], WIDTHS[i + 1]).requiresGrad(true);
                params[2 * i + 1] = Inputs.tensor(bias(i), DType.FLOAT32, WIDTHS[i + 1]).requiresGrad(true);
            }
        }

        Tensor loss() {
            Tensor h = x.matmul(params[0]).add(params[1]).relu();
            h = h.matmul(params[2]).add(params[3]).relu();
            return h.matmul(params[4]).add(params[5]).crossEntropy(labels);
        }
    }

    @State(Scope.Benchmark)
    public static class DjlSide {
        NDManager manager;
        NDArray x;
        NDArray labelColumn;
        NDArray[] params = new NDArray[6];

        @Setup(Level.Trial)
        public void setUp() {
            manager = Djl.newManager();
            x = Djl.array(manager, input(), DType.FLOAT32, BATCH, WIDTHS[0]);
            long[] l = new long[BATCH];
            int[] li = labels();
            for (int i = 0; i < BATCH; i++) {
                l[i] = li[i];
            }
            labelColumn = manager.create(l, new Shape(BATCH, 1));
            for (int i = 0; i < 3; i++) {
                params[2 * i] = Djl.array(manager, weight(i), DType.FLOAT32, WIDTHS[i], WIDTHS[i + 1]);
                params[2 * i + 1] = Djl.array(manager, bias(i), DType.FLOAT32, WIDTHS[i + 1]);
            }
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            // Same loss and gradient on both sides, once, before any update.
            JgradSide j = new JgradSide();
            j.setUp();
            Tensor jl = j.loss();
            jl.backward();
            try (NDManager sub = manager.newSubManager()) {
                tempAttach(sub);
                NDArray loss;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    loss = loss();
                    collector.backward(loss);
                }
                Inputs.checkClose("MLP loss", jl.item(), Djl.scalar(loss), 1e-4);
                for (int i = 0; i < 6; i++) {
                    Inputs.checkClose("MLP sum(grad " + i + ")", j.params[i].grad().sum().item(),
                            Djl.scalar(params[i].getGradient().sum()), 1e-4);
                }
                zeroGradients();
            }
        }

        void tempAttach(NDManager sub) {
            x.tempAttach(sub);
            labelColumn.tempAttach(sub);
            for (NDArray p : params) {
                p.tempAttach(sub);
            }
        }

        NDArray loss() {
            NDArray h = Activation.relu(x.matMul(params[0]).add(params[1]));
            h = Activation.relu(h.matMul(params[2]).add(params[3]));
            NDArray logits = h.matMul(params[4]).add(params[5]);
            return logits.logSoftmax(1).gather(labelColumn, 1).mean().neg();
        }

        void zeroGradients() {
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                g.subi(g);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    @Benchmark
    public Tensor jgradStep(JgradSide s) {
        Tensor loss = s.loss();
        loss.backward();
        try (GradScope _ = Tensor.noGrad()) {
            for (int i = 0; i < s.params.length; i++) {
                Tensor p = s.params[i];
                s.params[i] = p.sub(p.grad().mul(LEARNING_RATE)).requiresGrad(true);
            }
        }
        return loss;
    }

    @Benchmark
    public Tensor jgradForward(JgradSide s) {
        return s.loss();
    }

    @Benchmark
    public NDArray djlStep(DjlSide s) {
        try (NDManager sub = s.manager.newSubManager()) {
            s.tempAttach(sub);
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                loss = s.loss();
                collector.backward(loss);
            }
            for (NDArray p : s.params) {
                NDArray g = p.getGradient();
                p.subi(g.mul(LEARNING_RATE));
                g.subi(g);
            }
            return loss;
        }
    }

    @Benchmark
    public NDArray djlForward(DjlSide s) {
        try (NDManager sub = s.manager.newSubManager();
                GradientCollector _ = Engine.getInstance().newGradientCollector()) {
            s.tempAttach(sub);
            return s.loss();
        }
    }
}
