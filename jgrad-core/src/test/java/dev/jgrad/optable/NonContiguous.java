package dev.jgrad.optable;

import dev.jgrad.DType;
import dev.jgrad.Tensor;

import java.util.Arrays;

import static dev.jgrad.optable.Close.assertClose;
import static dev.jgrad.optable.Close.assertShape;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Check 7: the same logical inputs given as non-contiguous views (a transposed view of a
 * transposed copy, every other row of a taller tensor, a stride-0 expand) must give the values,
 * gradients and tangents that contiguous inputs give.
 */
final class NonContiguous {
    private static final double RTOL = 1e-12;
    private static final double ATOL = 1e-13;

    private NonContiguous() {
    }

    enum Kind {
        TRANSPOSED("transposed view"), STRIDED("strided slice"), EXPANDED("expanded view");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        boolean appliesTo(int[] shape) {
            return switch (this) {
                case TRANSPOSED -> shape.length >= 2;
                case STRIDED -> shape.length >= 1;
                case EXPANDED -> shape.length >= 1 && shape[0] > 1;
            };
        }

        /** True when the view of this shape cannot be laid out row-major (size-1 and empty axes can). */
        boolean scrambles(int[] shape) {
            int n = Arr.numel(shape);
            return switch (this) {
                case TRANSPOSED -> shape[shape.length - 1] > 1 && shape[shape.length - 2] > 1;
                case STRIDED, EXPANDED -> n > 0 && shape[0] > 1;
            };
        }
    }

    static boolean appliesTo(OpCase c, Kind kind) {
        return Arrays.stream(c.shapes).anyMatch(kind::appliesTo);
    }

    static void check(OpCase c, Kind kind) {
        double[][] vals = kind == Kind.EXPANDED ? repeatedFirstRows(c) : c.values;
        Tensor[] plain = c.leaves(vals, DType.FLOAT64, true);
        Tensor[] views = new Tensor[vals.length];
        for (int i = 0; i < vals.length; i++) {
            views[i] = kind.appliesTo(c.shapes[i]) ? view(kind, vals[i], c.shapes[i]) : Tensor.of(vals[i], c.shapes[i]);
            assertClose(c + " " + kind.label + " input " + i, vals[i], views[i].toDoubleArray(), 0, 0);
            if (kind.appliesTo(c.shapes[i]) && kind.scrambles(c.shapes[i])) {
                assertFalse(views[i].isContiguous(), c + " " + kind.label + ": input " + i + " should be a non-contiguous view");
            }
            views[i].requiresGrad(c.row.isDifferentiable(i));
        }
        Modes.Run expected = Modes.reverse(c, plain);
        Modes.Run actual = Modes.reverse(c, views);
        assertShape(c + " " + kind.label + " value", expected.output().shape(), actual.output().shape());
        assertClose(c + " " + kind.label + " value", expected.output().toDoubleArray(), actual.output().toDoubleArray(), RTOL, ATOL);
        for (int i = 0; i < vals.length; i++) {
            if (c.row.isDifferentiable(i)) {
                assertShape(c + " " + kind.label + " gradient " + i, c.shapes[i], actual.perArg()[i].shape());
                assertClose(c + " " + kind.label + " gradient " + i, expected.arg(i), actual.arg(i), RTOL, ATOL);
            }
        }
        double[][] v = Modes.tangents(c);
        Tensor[] viewsAgain = new Tensor[vals.length];
        for (int i = 0; i < vals.length; i++) {
            viewsAgain[i] = kind.appliesTo(c.shapes[i]) ? view(kind, vals[i], c.shapes[i]) : Tensor.of(vals[i], c.shapes[i]);
        }
        double[] tExpected = Modes.forward(c, c.leaves(vals, DType.FLOAT64, false), v).arg(0);
        double[] tActual = Modes.forward(c, viewsAgain, v).arg(0);
        assertClose(c + " " + kind.label + " tangent", tExpected, tActual, RTOL, ATOL);
    }

    /** A leaf whose logical values are {@code vals} of {@code shape}, stored as a non-contiguous view. */
    private static Tensor view(Kind kind, double[] vals, int[] shape) {
        Arr x = new Arr(shape, vals);
        return switch (kind) {
            case TRANSPOSED -> {
                Arr t = Ref.swapAxes(x, -2, -1);
                yield Tensor.of(t.data(), t.shape()).mT().detach();
            }
            case STRIDED -> {
                // Interleave decoy rows that must never be read.
                Arr decoys = Ref.map(x, e -> 1e6 + e);
                Arr tall = Ref.concat(1, Ref.unsqueeze(x, 1), Ref.unsqueeze(decoys, 1));
                int[] tallShape = shape.clone();
                tallShape[0] *= 2;
                yield Tensor.of(tall.data(), tallShape).slice(0, 0, tallShape[0], 2).detach();
            }
            case EXPANDED -> {
                int[] rowShape = shape.clone();
                rowShape[0] = 1;
                double[] row = Arrays.copyOf(vals, Arr.numel(rowShape));
                yield Tensor.of(row, rowShape).expand(shape).detach();
            }
        };
    }

    /** The case's values with every argument's first row repeated along axis 0 (what an expand can represent). */
    private static double[][] repeatedFirstRows(OpCase c) {
        double[][] out = FiniteDifferences.copy(c.values);
        for (int i = 0; i < out.length; i++) {
            if (Kind.EXPANDED.appliesTo(c.shapes[i])) {
                int rowSize = out[i].length / c.shapes[i][0];
                for (int j = rowSize; j < out[i].length; j++) {
                    out[i][j] = out[i][j % rowSize];
                }
            }
        }
        return out;
    }
}
