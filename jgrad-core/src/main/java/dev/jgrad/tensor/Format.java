package dev.jgrad.tensor;

/**
 * PyTorch-style rendering: {@code tensor([[1.0000, 2.0000], [3.0000, 4.0000]], dtype=float64)}.
 * Tensors with more than 1000 elements show the first and last three entries of each axis.
 */
public final class Format {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private Format() {
    }

    public static String format(NDArray a, boolean requiresGrad, String opName) {
        StringBuilder sb = new StringBuilder("tensor(");
        boolean summarise = a.numel() > THRESHOLD;
        double[] all = a.toDoubleArray();
        NumberStyle style = NumberStyle.of(all);
        int[] shape = a.shapeRef();
        if (shape.length == 0) {
            sb.append(style.render(all[0]));
        } else {
            appendAxis(sb, all, shape, Shapes.contiguousStrides(shape), 0, 0, style, summarise, 7);
        }
        if (a.numel() == 0) {
            sb.append(", size=").append(Shapes.str(shape));
        }
        sb.append(", dtype=").append(a.dtype());
        if (opName != null) {
            sb.append(", gradFn=<").append(opName).append(">");
        } else if (requiresGrad) {
            sb.append(", requiresGrad=true");
        }
        return sb.append(')').toString();
    }

    private static void appendAxis(StringBuilder sb, double[] all, int[] shape, int[] strides, int axis, int base,
                                   NumberStyle style, boolean summarise, int indent) {
        sb.append('[');
        int n = shape[axis];
        boolean cut = summarise && n > 2 * EDGE;
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE) {
                sb.append(axis == shape.length - 1 ? "..., " : "...,\n" + " ".repeat(indent + axis + 1));
                i = n - EDGE;
            }
            int p = base + i * strides[axis];
            if (axis == shape.length - 1) {
                sb.append(style.render(all[p]));
            } else {
                appendAxis(sb, all, shape, strides, axis + 1, p, style, summarise, indent);
            }
            if (i < n - 1) {
                sb.append(',');
                if (axis == shape.length - 1) {
                    sb.append(' ');
                } else {
                    sb.append("\n".repeat(shape.length - axis - 1)).append(" ".repeat(indent + axis + 1));
                }
            }
        }
        sb.append(']');
    }

    /** Fixed four decimals, or scientific notation when magnitudes are very large or small. */
    private record NumberStyle(boolean scientific) {
        static NumberStyle of(double[] values) {
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            for (double v : values) {
                if (Double.isFinite(v) && v != 0) {
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                    minAbs = Math.min(minAbs, Math.abs(v));
                }
            }
            return new NumberStyle(maxAbs >= 1e8 || (minAbs < 1e-4 && maxAbs > 0));
        }

        String render(double v) {
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            return scientific ? String.format(java.util.Locale.ROOT, "%.4e", v) : String.format(java.util.Locale.ROOT, "%.4f", v);
        }
    }
}
