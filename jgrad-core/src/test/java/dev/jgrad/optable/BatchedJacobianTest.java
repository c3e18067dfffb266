package dev.jgrad.optable;

import dev.jgrad.Functional;
import dev.jgrad.Jacobian;
import dev.jgrad.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.jgrad.optable.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The batching engine over the whole op table: for every row and shape (first seed, inputs up to
 * 40 elements), the Jacobian with respect to each differentiable argument from batched tangents
 * (jacfwd) and from batched cotangents (jacrev) equals the central finite-difference Jacobian, in
 * the {@code outputShape ++ inputShape} layout; chunked passes (a budget of one direction) agree too,
 * and so does the Jacobian of {@code stack(f, 2f)}, which sends element-wise rows through the
 * batched rules rather than the diagonal shortcut.
 */
class BatchedJacobianTest {
    private static final int MAX_INPUT = 40;

    @TestFactory
    Stream<DynamicTest> batchedJacobiansMatchFiniteDifferences() {
        long firstSeed = OpTable.cases().get(0).seed;
        return OpTable.cases().stream()
                .filter(c -> c.seed == firstSeed)
                .filter(c -> Arrays.stream(c.values).allMatch(v -> v.length <= MAX_INPUT))
                .map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    private static void check(OpCase c) {
        for (int arg = 0; arg < c.row.arity(); arg++) {
            if (!c.row.isDifferentiable(arg)) {
                continue;
            }
            int a = arg;
            Tensor[] fixed = c.leaves(false);
            Function<Tensor, Tensor> f = x -> {
                Tensor[] in = fixed.clone();
                in[a] = x;
                return c.row.fn.apply(in);
            };
            Tensor x = fixed[a];
            double[] fd = finiteDifferenceJacobian(c, a);
            String what = c + " Jacobian in argument " + a;
            Jacobian fwd = Functional.jacfwd(f, x);
            Jacobian rev = Functional.jacrev(f, x);
            Jacobian chunked = Functional.jacobian(f, x, Functional.Mode.REVERSE, 1);
            Jacobian chunkedFwd = Functional.jacobian(f, x, Functional.Mode.FORWARD, 1);
            int[] outShape = f.apply(x).shape();
            for (Jacobian j : new Jacobian[] {fwd, rev, chunked, chunkedFwd}) {
                assertArrayEquals(outShape, j.outputShape(), what + " output shape");
                assertArrayEquals(x.shape(), j.inputShape(), what + " input shape");
                assertClose(what + " (" + j + ")", fd, j.toDense().toDoubleArray(), c.row.fdRtol, c.row.fdAtol);
            }
            // Stacking f(x) with 2·f(x) defeats the diagonal shortcut, so element-wise rows take the
            // batched (not the single-pass diagonal) path too: J = [J_f; 2·J_f].
            Function<Tensor, Tensor> stacked = x2 -> {
                Tensor y = f.apply(x2);
                return Tensor.stack(0, y, y.mul(2.0));
            };
            double[] fd2 = new double[2 * fd.length];
            for (int i = 0; i < fd.length; i++) {
                fd2[i] = fd[i];
                fd2[fd.length + i] = 2 * fd[i];
            }
            for (Jacobian j : new Jacobian[] {Functional.jacfwd(stacked, x), Functional.jacrev(stacked, x)}) {
                assertClose(what + " of stack(f, 2f) (" + j + ")", fd2, j.toDense().toDoubleArray(), 2 * c.row.fdRtol, 2 * c.row.fdAtol);
            }
        }
    }

    /** Column j = (f(x + h e_j) − f(x − h e_j)) / 2h, laid out as outputShape ++ inputShape. */
    private static double[] finiteDifferenceJacobian(OpCase c, int arg) {
        int n = c.values[arg].length;
        int m = c.eval(c.values).length;
        double[] jac = new double[m * n];
        for (int j = 0; j < n; j++) {
            double[][] e = new double[c.values.length][];
            for (int i = 0; i < e.length; i++) {
                e[i] = new double[c.values[i].length];
            }
            e[arg][j] = 1.0;
            double[] col = FiniteDifferences.directional(c::eval, c.values, e, c.row.fdStep);
            for (int r = 0; r < m; r++) {
                jac[r * n + j] = col[r];
            }
        }
        return jac;
    }
}
