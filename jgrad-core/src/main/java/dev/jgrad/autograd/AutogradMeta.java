package dev.jgrad.autograd;

import dev.jgrad.Tensor;

import java.util.Arrays;

/**
 * The mutable autodiff state beside a tensor's immutable value: whether it requires a gradient,
 * its accumulated gradient, the node that produced it, and its forward-mode tangents per tag.
 */
public final class AutogradMeta {
    private boolean requiresGrad;
    private Tensor grad;
    /** True while {@link #grad} is a buffer the reverse engine allocated and nobody else has seen. */
    private boolean gradOwned;
    private Node gradFn;
    private ForwardTag[] tags = NO_TAGS;
    private Tensor[] tangents = NO_TANGENTS;

    private static final ForwardTag[] NO_TAGS = new ForwardTag[0];
    private static final Tensor[] NO_TANGENTS = new Tensor[0];

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public void setRequiresGrad(boolean requiresGrad) {
        this.requiresGrad = requiresGrad;
    }

    public Node gradFn() {
        return gradFn;
    }

    void setGradFn(Node node) {
        this.gradFn = node;
    }

    /** The accumulated gradient. Handing it out ends the engine's right to accumulate into it in place. */
    public Tensor grad() {
        gradOwned = false;
        return grad;
    }

    public void setGrad(Tensor grad) {
        this.grad = grad;
        this.gradOwned = false;
    }

    /** The gradient as the engine sees it, without handing it out. */
    Tensor peekGrad() {
        return grad;
    }

    boolean gradOwned() {
        return gradOwned;
    }

    /** Records a freshly allocated gradient buffer that only the engine holds. */
    void setOwnedGrad(Tensor grad) {
        this.grad = grad;
        this.gradOwned = true;
    }

    /** Tangent of this tensor for {@code tag}, or null. */
    public Tensor tangent(ForwardTag tag) {
        for (int i = 0; i < tags.length; i++) {
            if (tags[i] == tag) {
                return tangents[i];
            }
        }
        return null;
    }

    /** Sets (or replaces) the tangent for {@code tag}. */
    public void setTangent(ForwardTag tag, Tensor tangent) {
        for (int i = 0; i < tags.length; i++) {
            if (tags[i] == tag) {
                tangents[i] = tangent;
                return;
            }
        }
        tags = Arrays.copyOf(tags, tags.length + 1);
        tangents = Arrays.copyOf(tangents, tangents.length + 1);
        tags[tags.length - 1] = tag;
        tangents[tangents.length - 1] = tangent;
    }

    ForwardTag[] tags() {
        return tags;
    }

    boolean hasTangents() {
        return tags.length > 0;
    }
}
