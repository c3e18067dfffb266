package dev.jgrad.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jgrad.DType;
import dev.jgrad.GradScope;
import dev.jgrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row "matmul": C = A·B of two n×n matrices, no gradient recorded. GFLOP/s = 2n³ / time. The
 * thread count is fixed per forked JVM ({@code -Djgrad.threads}, read by jgrad at start-up and
 * passed to PyTorch by {@link Djl#newManager()}), so each count is its own subclass with its own
 * {@code @Fork}: {@link Matmul1ThreadBench}, {@link Matmul2ThreadsBench}.
 */
public abstract class MatmulBench extends BenchDefaults {

    /** Operands of one size and dtype (A and B normal, scaled so C's entries are O(1)). */
    @State(Scope.Benchmark)
    public static class Operands {
        @Param({"16", "64", "256", "1024"})
        public int n;

        @Param({"float32", "float64"})
        public String dtype;

        DType type;
        double[] a;
        double[] b;

        @Setup(Level.Trial)
        public void setUp() {
            type = dtype.equals("float32") ? DType.FLOAT32 : DType.FLOAT64;
            a = Inputs.normal(1, n * n, 1.0 / Math.sqrt(n));
            b = Inputs.normal(2, n * n, 1.0);
        }
    }

    @State(Scope.Benchmark)
    public static class JgradSide {
        Tensor a;
        Tensor b;

        @Setup(Level.Trial)
        public void setUp(Operands in) {
            a = Inputs.tensor(in.a, in.type, in.n, in.n);
            b = Inputs.tensor(in.b, in.type, in.n, in.n);
        }
    }

    @State(Scope.Benchmark)
    public static class DjlSide {
        NDManager manager;
        NDArray a;
        NDArray b;

        @Setup(Level.Trial)
        public void setUp(Operands in) {
            manager = Djl.newManager();
            a = Djl.array(manager, in.a, in.type, in.n, in.n);
            b = Djl.array(manager, in.b, in.type, in.n, in.n);
            // Same product on both sides: compare the sum and one corner of C once.
            Tensor c;
            try (GradScope _ = Tensor.noGrad()) {
                c = Inputs.tensor(in.a, in.type, in.n, in.n).matmul(Inputs.tensor(in.b, in.type, in.n, in.n));
            }
            try (NDArray peer = a.matMul(b); NDArray peerSum = peer.sum()) {
                double tol = in.type == DType.FLOAT32 ? 1e-3 : 1e-9;
                Inputs.checkClose("matmul sum n=" + in.n, c.sum().item(), Djl.scalar(peerSum), tol);
                Inputs.checkClose("matmul C[n-1,0] n=" + in.n, c.get(in.n - 1, 0),
                        Djl.scalar(peer.get(in.n - 1, 0)), tol);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    @Benchmark
    public Tensor jgrad(JgradSide s) {
        try (GradScope _ = Tensor.noGrad()) {
            return s.a.matmul(s.b);
        }
    }

    /**
     * {@link #jgrad}, the result then released ({@code Tensor.release()}), so the next product
     * writes into the array this one wrote, still in cache — as numpy's and PyTorch's products do,
     * whose allocators hand back the block the previous result freed. Not a row of issue 4's
     * table (that is {@link #jgrad}); bench/report.py prints it beside it, against the same peers.
     */
    @Benchmark
    public Tensor jgradReleased(JgradSide s) {
        Tensor c;
        try (GradScope _ = Tensor.noGrad()) {
            c = s.a.matmul(s.b);
        }
        c.release();
        return c;
    }

    @Benchmark
    public NDArray djl(DjlSide s) {
        NDArray c = s.a.matMul(s.b);
        c.close();
        return c;
    }
}
