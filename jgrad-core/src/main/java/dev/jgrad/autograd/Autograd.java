package dev.jgrad.autograd;

import dev.jgrad.Tensor;
import dev.jgrad.tensor.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Where ops meet the engines. An op computes its value, then calls {@link #record} with its rules:
 * the reverse engine gets a {@link Node} when an input requires a gradient and grad mode is on;
 * the forward engine pushes each live tangent through the JVP rule at once.
 */
public final class Autograd {
    private static final ThreadLocal<List<ForwardTag>> SUPPRESSED = ThreadLocal.withInitial(ArrayList::new);

    private Autograd() {
    }

    /** Wraps the value of a differentiable op application and attaches its rules (a {@link Rules.Kind#GENERIC} op). */
    public static Tensor record(String op, NDArray value, Tensor[] inputs, Rules.Jvp jvp, Rules.Vjp vjp) {
        return record(op, Rules.Kind.GENERIC, value, inputs, jvp, vjp);
    }

    /** Wraps the value of a differentiable op application of the given kind and attaches its rules. */
    public static Tensor record(String op, Rules.Kind kind, NDArray value, Tensor[] inputs, Rules.Jvp jvp, Rules.Vjp vjp) {
        Tensor out = TensorAccess.wrap(value);
        if (GradMode.isEnabled()) {
            for (Tensor in : inputs) {
                if (in.requiresGrad()) {
                    AutogradMeta meta = TensorAccess.meta(out);
                    meta.setRequiresGrad(true);
                    meta.setGradFn(new Node(op, kind, inputs, vjp, out));
                    break;
                }
            }
        }
        pushTangents(op, kind, out, inputs, jvp);
        return out;
    }

    /**
     * A differentiable alias of {@code x} (same storage): the functional transforms seed tangents on
     * it, or differentiate with respect to it, without touching the caller's tensor. Gradients and
     * tangents flow on into {@code x} through an identity rule, so transforms nest. With
     * {@code requireGrad} it requires a gradient whatever {@code x} and the grad mode say.
     */
    public static Tensor alias(Tensor x, boolean requireGrad) {
        Tensor[] inputs = {x};
        Rules.Vjp identityVjp = (y, g) -> new Tensor[] {g};
        if (!requireGrad) {
            return record("alias", Rules.Kind.ELEMENTWISE, TensorAccess.value(x), inputs, (y, t) -> t[0], identityVjp);
        }
        Tensor out = TensorAccess.wrap(TensorAccess.value(x));
        AutogradMeta meta = TensorAccess.meta(out);
        meta.setRequiresGrad(true);
        meta.setGradFn(new Node("alias", Rules.Kind.ELEMENTWISE, inputs, identityVjp, out));
        pushTangents("alias", Rules.Kind.ELEMENTWISE, out, inputs, (y, t) -> t[0]);
        return out;
    }

    /**
     * True when a rule may compute on raw values: no graph is being recorded (a reverse pass without
     * createGraph) and none of the tensors carries forward-mode tangents, so nothing could
     * differentiate the rule's own computation.
     */
    public static boolean plainValues(Tensor a, Tensor b) {
        return !GradMode.isEnabled() && !TensorAccess.meta(a).hasTangents() && !TensorAccess.meta(b).hasTangents();
    }

    /**
     * True when a forward rule's product of {@code a} and {@code b} needs no recording: nothing
     * would differentiate it (no input of it requires a gradient while grad mode is on, and neither
     * carries a tangent of a live forward pass other than the one being computed).
     */
    public static boolean inertForTangent(Tensor a, Tensor b) {
        if (GradMode.isEnabled() && (a.requiresGrad() || b.requiresGrad())) {
            return false;
        }
        return !liveTangents(a) && !liveTangents(b);
    }

    private static boolean liveTangents(Tensor t) {
        AutogradMeta meta = TensorAccess.meta(t);
        if (!meta.hasTangents()) {
            return false;
        }
        List<ForwardTag> suppressed = SUPPRESSED.get();
        for (ForwardTag tag : meta.tags()) {
            if (tag.isActive() && !suppressed.contains(tag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A dual tensor: an {@link #alias} of {@code x} carrying {@code tangent} (converted to x's
     * dtype) for {@code tag}, so the caller's x gains no tangent.
     */
    public static Tensor dual(Tensor x, boolean requireGrad, ForwardTag tag, Tensor tangent) {
        Tensor dual = alias(x, requireGrad);
        seedTangent(dual, tag, tangent.dtype() == x.dtype() ? tangent : tangent.to(x.dtype()));
        return dual;
    }

    /** A result that is not differentiable (comparisons, argmax): no node, no tangent. */
    public static Tensor constant(NDArray value) {
        return TensorAccess.wrap(value);
    }

    private static void pushTangents(String op, Rules.Kind kind, Tensor out, Tensor[] inputs, Rules.Jvp jvp) {
        List<ForwardTag> live = null;
        List<ForwardTag> suppressed = null;
        for (Tensor in : inputs) {
            AutogradMeta meta = TensorAccess.meta(in);
            if (!meta.hasTangents()) {
                continue;
            }
            if (suppressed == null) {
                suppressed = SUPPRESSED.get();
            }
            for (ForwardTag tag : meta.tags()) {
                if (tag.isActive() && !suppressed.contains(tag) && (live == null || !live.contains(tag))) {
                    if (live == null) {
                        live = new ArrayList<>(2);
                    }
                    live.add(tag);
                }
            }
        }
        if (live == null) {
            return;
        }
        // Older (outer) tags first, so an inner tag's tangent carries the outer tangent of the output.
        live.sort(java.util.Comparator.comparingLong(ForwardTag::id));
        for (ForwardTag tag : live) {
            Tensor[] t = new Tensor[inputs.length];
            boolean diagonal = kind == Rules.Kind.ELEMENTWISE;
            for (int i = 0; i < inputs.length; i++) {
                Tensor ti = TensorAccess.meta(inputs[i]).tangent(tag);
                if (ti != null) {
                    diagonal &= java.util.Arrays.equals(inputs[i].shape(), out.shape()) && tag.isDiagonal(ti);
                }
                t[i] = ti != null ? ti : Batching.zeros(tag.batch(), inputs[i]);
            }
            // While this tag's tangent is computed, the rule sees the primals without it.
            suppressed.add(tag);
            try {
                Tensor tangent = Batching.withLeadingAxes(0, () -> applyJvp(op, kind, tag.batch(), out, t, jvp));
                if (tag.watchesStructure() && !diagonal) {
                    tag.markNonDiagonal(tangent);
                }
                TensorAccess.meta(out).setTangent(tag, tangent);
            } finally {
                suppressed.remove(suppressed.size() - 1);
            }
        }
    }

    private static Tensor applyJvp(String op, Rules.Kind kind, int batch, Tensor out, Tensor[] t, Rules.Jvp jvp) {
        if (batch == 0) {
            return jvp.apply(out, t);
        }
        if (kind.batchTransparent()) {
            Tensor[] padded = new Tensor[t.length];
            for (int i = 0; i < t.length; i++) {
                padded[i] = Batching.padTo(t[i], out.ndim());
            }
            return Batching.fit(jvp.apply(out, padded), batch, out.shape(), op, "forward");
        }
        return Batching.perSlice(batch, b -> {
            Tensor[] tb = new Tensor[t.length];
            for (int i = 0; i < t.length; i++) {
                tb[i] = Batching.slice(t[i], b);
            }
            Tensor r = jvp.apply(out, tb);
            return java.util.Arrays.equals(r.shape(), out.shape()) ? r : r.broadcastTo(out.shape());
        });
    }

    /** Attaches a tangent for {@code tag} to {@code x} (forward mode's seed). */
    public static void seedTangent(Tensor x, ForwardTag tag, Tensor tangent) {
        TensorAccess.meta(x).setTangent(tag, tangent);
    }

    /**
     * The tangent of {@code y} for {@code tag}: zeros of y's shape ({@code [B] ++ shape} for a batched
     * tag) when y does not depend on the seed.
     */
    public static Tensor tangentOf(Tensor y, ForwardTag tag) {
        Tensor t = TensorAccess.meta(y).tangent(tag);
        return t != null ? t : Batching.zeros(tag.batch(), y);
    }

    /** Keeps {@code output}'s gradient after backward (for intermediates, like PyTorch's retain_grad). */
    public static void retainGrad(Tensor output) {
        Node n = TensorAccess.meta(output).gradFn();
        if (n != null) {
            n.retain(output);
        }
    }
}
