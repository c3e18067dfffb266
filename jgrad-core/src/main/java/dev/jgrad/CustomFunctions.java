package dev.jgrad;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.TensorAccess;
import dev.jgrad.tensor.Shapes;

import java.util.Arrays;

/** Records a {@link CustomFunction}'s value with its rules, checking what the user's code returns. */
final class CustomFunctions {
    private CustomFunctions() {
    }

    static Tensor apply(CustomFunction f, Tensor[] inputs) {
        String name = f.name() == null ? "CustomFunction" : f.name();
        if (inputs == null || inputs.length == 0) {
            throw new IllegalArgumentException(name + ": needs at least one input tensor");
        }
        Tensor[] in = inputs.clone();
        Tensor[] detached = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null) {
                throw new IllegalArgumentException(name + ": input " + i + " is null");
            }
            detached[i] = in[i].detach();
        }
        Tensor value;
        // The value's inner ops are neither recorded nor pushed forward: the user's rules define the derivatives.
        try (GradScope _ = Tensor.noGrad()) {
            value = f.value(detached);
        }
        if (value == null) {
            throw new IllegalStateException(name + ": value() returned null for inputs of shapes " + shapes(in));
        }
        return Autograd.record(name, TensorAccess.value(value), in,
                (out, tangents) -> checkedJvp(f, name, in, out, tangents),
                (out, g) -> checkedVjp(f, name, in, out, g));
    }

    private static Tensor checkedJvp(CustomFunction f, String name, Tensor[] in, Tensor out, Tensor[] tangents) {
        Tensor t = f.jvp(in, out, tangents);
        if (t == null || !Arrays.equals(t.shape(), out.shape())) {
            throw new IllegalStateException(name + ": jvp() returned " + (t == null ? "null" : "shape " + Shapes.str(t.shape()))
                    + " but the output has shape " + Shapes.str(out.shape()) + " (inputs " + shapes(in) + ")");
        }
        return t.dtype() == out.dtype() ? t : t.to(out.dtype());
    }

    private static Tensor[] checkedVjp(CustomFunction f, String name, Tensor[] in, Tensor out, Tensor g) {
        Tensor[] grads = f.vjp(in, out, g);
        if (grads == null || grads.length != in.length) {
            throw new IllegalStateException(name + ": vjp() returned " + (grads == null ? "null" : grads.length + " tensors")
                    + " but there are " + in.length + " inputs (shapes " + shapes(in) + "); return one per input, null for zero");
        }
        for (int i = 0; i < in.length; i++) {
            if (grads[i] != null && !Arrays.equals(grads[i].shape(), in[i].shape())) {
                throw new IllegalStateException(name + ": vjp() returned shape " + Shapes.str(grads[i].shape()) + " for input " + i
                        + " of shape " + Shapes.str(in[i].shape()) + " (output shape " + Shapes.str(out.shape()) + ")");
            }
        }
        return grads;
    }

    private static String shapes(Tensor[] in) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < in.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(in[i] == null ? "null" : Shapes.str(in[i].shape()));
        }
        return sb.toString();
    }
}
