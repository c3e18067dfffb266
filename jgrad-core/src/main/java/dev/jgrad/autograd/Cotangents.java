package dev.jgrad.autograd;

import dev.jgrad.Tensor;
import dev.jgrad.kernels.KernelProvider;
import dev.jgrad.tensor.NDArray;

import java.util.Arrays;

/**
 * Slots of cotangents being summed during one reverse pass. A sum the engine allocated itself is
 * "owned": nobody else holds it yet, so further cotangents are added into its storage instead of
 * allocating a new sum each time. Tensors that came from a rule, a seed or a user are never written.
 */
final class Cotangents {
    private final Tensor[] sums;
    private final boolean[] owned;
    private final boolean createGraph;

    Cotangents(int n, boolean createGraph) {
        this.sums = new Tensor[n];
        this.owned = new boolean[n];
        this.createGraph = createGraph;
    }

    /** Puts {@code g} (not owned) in slot {@code i}, replacing what was there. */
    void set(int i, Tensor g) {
        sums[i] = g;
        owned[i] = false;
    }

    /** Adds {@code g} to slot {@code i}. */
    void add(int i, Tensor g) {
        Tensor current = sums[i];
        if (current == null) {
            set(i, g);
        } else if (!(owned[i] && addInPlace(current, g))) {
            sums[i] = current.add(g);
            // With createGraph the sum is a recorded op whose graph may be differentiated: never write it.
            owned[i] = !createGraph;
        }
    }

    /** Empties slot {@code i} and returns its sum (null when nothing arrived): ownership ends here. */
    Tensor take(int i) {
        Tensor g = sums[i];
        sums[i] = null;
        owned[i] = false;
        return g;
    }

    /**
     * {@code acc += g} in acc's storage when that gives exactly what {@code acc.add(g)} would: same
     * dtype and shape, g dense from offset 0, and no forward-mode tangents riding on either (a
     * tangent of acc would no longer match its value). Returns false, touching nothing, otherwise.
     * The caller guarantees acc is an engine-owned dense buffer no one else holds.
     */
    static boolean addInPlace(Tensor acc, Tensor g) {
        NDArray a = TensorAccess.value(acc);
        NDArray b = TensorAccess.value(g);
        // A deferred sum stays deferred: adding in place would compute both operands now.
        if (a.isDeferred() || b.isDeferred() || a.dtype() != b.dtype() || !Arrays.equals(a.shapeRef(), b.shapeRef()) || a.storage() == b.storage()
                || !b.isContiguous() || b.layout().offset() != 0 || b.storage().length() < a.numel()
                || a.storage().length() != a.numel() || acc.requiresGrad()
                || TensorAccess.meta(acc).hasTangents() || TensorAccess.meta(g).hasTangents()) {
            return false;
        }
        KernelProvider.get().addInto(a.storage(), b.storage());
        return true;
    }
}
