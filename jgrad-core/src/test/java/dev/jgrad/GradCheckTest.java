package dev.jgrad;

import dev.jgrad.autograd.TensorAccess;
import dev.jgrad.autograd.Autograd;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradCheckTest {
    private static final GradCheck.Options ALL = GradCheck.Options.DEFAULT.withSecondOrder(true);

    /** x² with a correct forward rule and a reverse rule that is off by a factor 3/2. */
    private static Tensor squareWithWrongVjp(Tensor x) {
        return Autograd.record("badSquare", TensorAccess.value(x.detach().square()), new Tensor[] {x},
                (y, t) -> t[0].mul(x).mul(2.0), (y, g) -> new Tensor[] {g.mul(x).mul(3.0)});
    }

    /** x² with a correct reverse rule and a wrong forward rule. */
    private static Tensor squareWithWrongJvp(Tensor x) {
        return Autograd.record("badSquareJvp", TensorAccess.value(x.detach().square()), new Tensor[] {x},
                (y, t) -> t[0].mul(x), (y, g) -> new Tensor[] {g.mul(x).mul(2.0)});
    }

    /** x² whose reverse rule has the right value but uses x detached, so its own derivative is lost. */
    private static Tensor squareWithDetachedRule(Tensor x) {
        return Autograd.record("detachedSquare", TensorAccess.value(x.detach().square()), new Tensor[] {x},
                (y, t) -> t[0].mul(x).mul(2.0), (y, g) -> new Tensor[] {g.mul(x.detach()).mul(2.0)});
    }

    @Test
    void passesOnCorrectFunctionsWithNonScalarOutputs() {
        Tensor x = Tensor.randn(1, 2, 3);
        Tensor b = Tensor.randn(2, 3);
        GradCheck.Result r = GradCheck.assertGradients(in -> in[0].mul(in[1]).tanh(), ALL, x, b);
        assertTrue(r.passed(), r.message());
        assertTrue(r.maxAbsError() < 1e-6, r.message());
        assertTrue(r.message().startsWith("GradCheck passed"), r.message());

        GradCheck.assertGradients(in -> in[0].exp().sum(0).mul(in[0].slice(0, 0, 1).sin()), ALL, Tensor.randn(3, 4, 2));
        GradCheck.assertGradients(in -> in[0].sub(in[1]).square().mean(), ALL, Tensor.randn(4, 3), Tensor.randn(5, 1, 3));
        GradCheck.assertGradients(in -> in[0].sigmoid().permute(1, 0).reshape(-1), ALL, Tensor.randn(6, 2, 3));
    }

    @Test
    void detectsAWrongReverseRule() {
        Tensor x = Tensor.of(new double[] {0.5, -1.5, 2.0}, 3);
        GradCheck.Result r = GradCheck.check(in -> squareWithWrongVjp(in[0]).mul(in[1]), x, Tensor.randn(7, 3));
        assertFalse(r.passed());
        assertEquals("reverse", r.worstCheck());
        assertEquals(0, r.worstInput());
        assertEquals(1, r.worstIndex().length);
        assertEquals(r.analytic(), 1.5 * r.numerical(), 1e-6 * Math.abs(r.numerical()) + 1e-9);
        assertTrue(r.message().contains("FAILED") && r.message().contains("input 0") && r.message().contains("[3]"), r.message());
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.assertGradients(in -> squareWithWrongVjp(in[0]), x));
        assertTrue(e.getMessage().contains("reverse-mode gradient of input 0"), e.getMessage());
    }

    @Test
    void detectsAWrongForwardRuleOnlyWhenForwardIsChecked() {
        Tensor x = Tensor.randn(11, 2, 2);
        GradCheck.Result r = GradCheck.check(in -> squareWithWrongJvp(in[0]), x);
        assertFalse(r.passed());
        assertTrue(r.worstCheck().equals("forward") || r.worstCheck().equals("adjoint"), r.message());
        assertTrue(GradCheck.check(in -> squareWithWrongJvp(in[0]), GradCheck.Options.DEFAULT.withForward(false), x).passed());
    }

    @Test
    void detectsARuleThatIsNotDifferentiableItself() {
        Tensor x = Tensor.randn(5, 4);
        assertTrue(GradCheck.check(in -> squareWithDetachedRule(in[0]), x).passed());
        GradCheck.Result r = GradCheck.check(in -> squareWithDetachedRule(in[0]), ALL, x);
        assertFalse(r.passed());
        assertEquals("second-order", r.worstCheck());
        assertTrue(r.message().contains("second-order gradient of input 0"), r.message());
    }

    @Test
    void detectsAWrongGradientOfTheSecondInput() {
        Tensor a = Tensor.randn(3, 2);
        Tensor b = Tensor.randn(4, 2);
        GradCheck.Result r = GradCheck.check(in -> in[0].add(squareWithWrongVjp(in[1])), a, b);
        assertFalse(r.passed());
        assertEquals(1, r.worstInput());
    }

    @Test
    void leavesInputsUntouchedAndAcceptsFloat32() {
        Tensor x = Tensor.of(new float[] {0.25f, 0.5f, 1f, 2f}, 2, 2);
        GradCheck.Result r = GradCheck.check(in -> in[0].log().mul(in[0]), ALL, x);
        assertTrue(r.passed(), r.message());
        assertFalse(x.requiresGrad());
        assertEquals(DType.FLOAT32, x.dtype());
        assertArrayEquals(new float[] {0.25f, 0.5f, 1f, 2f}, x.toFloatArray());
    }

    @Test
    void functionsThatIgnoreTheirInputHaveZeroGradients() {
        assertTrue(GradCheck.check(in -> Tensor.ones(2), ALL, Tensor.randn(1, 3)).passed());
        assertTrue(GradCheck.check(in -> in[0].mul(2.0), ALL, Tensor.randn(1, 3)).passed());
    }

    @Test
    void emptyAndZeroDimensionalTensors() {
        assertTrue(GradCheck.check(in -> in[0].sum(), ALL, Tensor.zeros(0, 3)).passed());
        assertTrue(GradCheck.check(in -> in[0].exp().mul(in[1]), ALL, Tensor.scalar(0.3), Tensor.randn(2, 2)).passed());
        GradCheck.Result wrong = GradCheck.check(in -> squareWithWrongVjp(in[0]), Tensor.scalar(0.7));
        assertFalse(wrong.passed());
        assertEquals(0, wrong.worstIndex().length);
    }

    @Test
    void worstElementIsReportedAsAMultiIndex() {
        Tensor x = Tensor.zeros(2, 3);
        // Only element [1, 2] has a wrong derivative: the rule's factor 3 instead of 2 matters where x ≠ 0.
        Tensor at = Tensor.of(new double[] {0, 0, 0, 0, 0, 1.5}, 2, 3);
        GradCheck.Result r = GradCheck.check(in -> squareWithWrongVjp(in[0]), GradCheck.Options.DEFAULT.withForward(false), at);
        assertFalse(r.passed());
        assertArrayEquals(new int[] {1, 2}, r.worstIndex());
        assertTrue(r.message().contains("element [1, 2]"), r.message());
        assertTrue(GradCheck.check(in -> squareWithWrongVjp(in[0]), x).passed(), "at x = 0 the wrong factor is invisible");
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(in -> in[0]));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(null, Tensor.ones(1)));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(in -> null, Tensor.ones(1)));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.Options.DEFAULT.withEps(0));
    }
}
