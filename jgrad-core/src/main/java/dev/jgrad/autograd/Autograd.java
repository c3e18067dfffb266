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

    /** Wraps the value of a differentiable op application and attaches its rules. */
    public static Tensor record(String op, NDArray value, Tensor[] inputs, Rules.Jvp jvp, Rules.Vjp vjp) {
        Tensor out = TensorAccess.wrap(value);
        if (GradMode.isEnabled()) {
            for (Tensor in : inputs) {
                if (in.requiresGrad()) {
                    AutogradMeta meta = TensorAccess.meta(out);
                    meta.setRequiresGrad(true);
                    meta.setGradFn(new Node(op, inputs, vjp, out));
                    break;
                }
            }
        }
        pushTangents(out, inputs, jvp);
        return out;
    }

    /** A result that is not differentiable (comparisons, argmax): no node, no tangent. */
    public static Tensor constant(NDArray value) {
        return TensorAccess.wrap(value);
    }

    private static void pushTangents(Tensor out, Tensor[] inputs, Rules.Jvp jvp) {
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
            for (int i = 0; i < inputs.length; i++) {
                Tensor ti = TensorAccess.meta(inputs[i]).tangent(tag);
                t[i] = ti != null ? ti : Tensor.zerosLike(inputs[i]);
            }
            // While this tag's tangent is computed, the rule sees the primals without it.
            suppressed.add(tag);
            try {
                TensorAccess.meta(out).setTangent(tag, jvp.apply(out, t));
            } finally {
                suppressed.remove(suppressed.size() - 1);
            }
        }
    }

    /** Attaches a tangent for {@code tag} to {@code x} (forward mode's seed). */
    public static void seedTangent(Tensor x, ForwardTag tag, Tensor tangent) {
        TensorAccess.meta(x).setTangent(tag, tangent);
    }

    /** The tangent of {@code y} for {@code tag}: zeros of y's shape when y does not depend on the seed. */
    public static Tensor tangentOf(Tensor y, ForwardTag tag) {
        Tensor t = TensorAccess.meta(y).tangent(tag);
        return t != null ? t : Tensor.zerosLike(y);
    }

    /** Keeps {@code output}'s gradient after backward (for intermediates, like PyTorch's retain_grad). */
    public static void retainGrad(Tensor output) {
        Node n = TensorAccess.meta(output).gradFn();
        if (n != null) {
            n.retain(output);
        }
    }
}
