package dev.jgrad.optable;

import dev.jgrad.Tensor;
import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.ForwardTag;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static dev.jgrad.optable.Close.assertClose;
import static dev.jgrad.optable.Close.assertShape;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Comparisons and argmax/argmin: exact values, no graph, no tangent (see {@link NonDifferentiableRows}). */
class NonDifferentiableOpsTest {

    @TestFactory
    Stream<DynamicTest> valueMatchesReferenceAndStartsNoGraph() {
        return OpTable.cases(OpTable.nonDifferentiable()).stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Tensor[] x = c.leaves(true);
            ForwardTag tag = new ForwardTag();
            Tensor y;
            try {
                for (int i = 0; i < x.length; i++) {
                    Autograd.seedTangent(x[i], tag, Tensor.onesLike(x[i]));
                }
                y = c.row.fn.apply(x);
                Arr expected = c.reference();
                assertShape(c + " value", expected.shape(), y.shape());
                assertClose(c + " value", expected.data(), y.toDoubleArray(), 0, 0);
                assertFalse(y.requiresGrad(), c + ": a non-differentiable result must not require a gradient");
                assertClose(c + " tangent", new double[y.numel()], Autograd.tangentOf(y, tag).toDoubleArray(), 0, 0);
            } finally {
                tag.close();
            }
        }));
    }
}
