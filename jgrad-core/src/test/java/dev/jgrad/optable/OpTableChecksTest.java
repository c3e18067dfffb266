package dev.jgrad.optable;

import dev.jgrad.DType;
import dev.jgrad.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.util.function.Predicate;
import java.util.stream.Stream;

import static dev.jgrad.optable.Close.assertClose;
import static dev.jgrad.optable.Close.assertShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The generic checks, run over every op-table row × shape tuple × seed (see {@link OpTable}).
 * Test names read like "tanh [2, 3] seed 1".
 */
class OpTableChecksTest {
    private static final double SECOND_ORDER_STEP = 1e-5;

    private static Stream<DynamicTest> each(Predicate<OpCase> include, java.util.function.Function<OpCase, Executable> check) {
        return OpTable.cases().stream().filter(include).map(c -> DynamicTest.dynamicTest(c.toString(), check.apply(c)));
    }

    private static Stream<DynamicTest> each(java.util.function.Function<OpCase, Executable> check) {
        return each(c -> true, check);
    }

    @TestFactory
    Stream<DynamicTest> valueMatchesReference() {
        return each(c -> () -> {
            Tensor y = c.row.fn.apply(c.leaves(false));
            Arr expected = c.reference();
            assertShape(c + " value", expected.shape(), y.shape());
            assertClose(c + " value", expected.data(), y.toDoubleArray(), c.row.valueRtol, c.row.valueAtol);
        });
    }

    @TestFactory
    Stream<DynamicTest> reverseMatchesFiniteDifferences() {
        return each(c -> () -> {
            Modes.Run run = Modes.reverse(c, c.values);
            double[] ybar = Modes.cotangent(c, run.output().numel());
            for (int i = 0; i < c.row.arity(); i++) {
                if (c.row.isDifferentiable(i)) {
                    double[] fd = FiniteDifferences.gradient(v -> FiniteDifferences.dot(ybar, c.eval(v)), c.values, i, c.row.fdStep);
                    assertClose(c + " gradient of argument " + i, fd, run.arg(i), c.row.fdRtol, c.row.fdAtol);
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> forwardMatchesFiniteDifferences() {
        return each(c -> () -> {
            double[][] v = Modes.tangents(c);
            Modes.Run run = Modes.forward(c, c.leaves(false), v);
            assertShape(c + " tangent", run.output().shape(), run.perArg()[0].shape());
            double[] fd = FiniteDifferences.directional(c::eval, c.values, v, c.row.fdStep);
            assertClose(c + " tangent", fd, run.arg(0), c.row.fdRtol, c.row.fdAtol);
        });
    }

    @TestFactory
    Stream<DynamicTest> forwardAndReverseSatisfyAdjointIdentity() {
        return each(c -> () -> {
            double[][] v = Modes.tangents(c);
            double[] jv = Modes.forward(c, c.leaves(false), v).arg(0);
            double[] ybar = Modes.cotangent(c, jv.length);
            double[] jtYbar = Modes.concat(c, Modes.reverse(c, c.values));
            double[] vFlat = Modes.concat(c, v);
            double lhs = FiniteDifferences.dot(ybar, jv);
            double rhs = FiniteDifferences.dot(jtYbar, vFlat);
            double scale = absDot(ybar, jv) + absDot(jtYbar, vFlat);
            assertEquals(lhs, rhs, c.row.adjointRtol * scale + 1e-13, c + ": <ȳ, J v> = " + lhs + " but <Jᵀ ȳ, v> = " + rhs);
        });
    }

    @TestFactory
    Stream<DynamicTest> reverseOverReverseMatchesFiniteDifferences() {
        return each(c -> c.row.secondOrder, c -> () -> {
            double[][] v = Modes.tangents(c);
            assertClose(c + " Hessian-vector product (reverse over reverse)", hessianVectorByFd(c, v),
                    Modes.reverseOverReverse(c, v), c.row.fdRtol, c.row.fdAtol);
        });
    }

    @TestFactory
    Stream<DynamicTest> forwardOverReverseMatchesFiniteDifferences() {
        return each(c -> c.row.secondOrder, c -> () -> {
            double[][] v = Modes.tangents(c);
            assertClose(c + " Hessian-vector product (forward over reverse)", hessianVectorByFd(c, v),
                    Modes.forwardOverReverse(c, v), c.row.fdRtol, c.row.fdAtol);
        });
    }

    /** Finite differences of the (first-order, reverse-mode) gradient of ⟨ȳ, f⟩ along v. */
    private static double[] hessianVectorByFd(OpCase c, double[][] v) {
        return FiniteDifferences.directional(vals -> Modes.gradientVector(c, vals), c.values, v,
                Math.max(SECOND_ORDER_STEP, c.row.fdStep));
    }

    @TestFactory
    Stream<DynamicTest> gradientShapeAndDtypeMatchInput() {
        return each(c -> () -> {
            for (DType dtype : DType.values()) {
                Tensor[] x = c.leaves(c.values, dtype, true);
                Tensor y = c.row.fn.apply(x);
                if (!c.row.changesDtype) {
                    assertEquals(dtype, y.dtype(), c + ": output dtype");
                }
                y.backward();
                for (int i = 0; i < x.length; i++) {
                    if (c.row.isDifferentiable(i)) {
                        Tensor g = x[i].grad();
                        assertNotNull(g, c + ": no gradient for argument " + i);
                        assertShape(c + " " + dtype + " gradient of argument " + i, c.shapes[i], g.shape());
                        assertEquals(dtype, g.dtype(), c + ": gradient dtype of argument " + i);
                    }
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> nonContiguousInputsGiveIdenticalResults() {
        return OpTable.cases().stream().flatMap(c -> Stream.of(NonContiguous.Kind.values())
                .filter(kind -> NonContiguous.appliesTo(c, kind))
                .map(kind -> DynamicTest.dynamicTest(c + " " + kind.label, () -> NonContiguous.check(c, kind))));
    }

    @TestFactory
    Stream<DynamicTest> float32AgreesWithFloat64() {
        return each(c -> () -> {
            double[][] rounded = new double[c.values.length][];
            for (int i = 0; i < rounded.length; i++) {
                rounded[i] = c.values[i].clone();
                for (int j = 0; j < rounded[i].length; j++) {
                    rounded[i][j] = (float) rounded[i][j];
                }
            }
            Modes.Run r64 = Modes.reverse(c, c.leaves(rounded, DType.FLOAT64, true));
            Modes.Run r32 = Modes.reverse(c, c.leaves(rounded, DType.FLOAT32, true));
            double tol = c.row.f32Tol;
            double[] y64 = r64.output().toDoubleArray();
            assertClose(c + " float32 value", y64, r32.output().toDoubleArray(), tol, tol * Math.max(1, maxAbs(y64)));
            for (int i = 0; i < c.row.arity(); i++) {
                if (c.row.isDifferentiable(i)) {
                    assertEquals(DType.FLOAT32, r32.perArg()[i].dtype(), c + ": float32 gradient dtype of argument " + i);
                    double[] g64 = r64.arg(i);
                    assertClose(c + " float32 gradient of argument " + i, g64, r32.arg(i), tol, tol * Math.max(1, maxAbs(g64)));
                }
            }
        });
    }

    private static double absDot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] * b[i]);
        }
        return s;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Double.isFinite(e) ? Math.max(m, Math.abs(e)) : m;
        }
        return m;
    }
}
