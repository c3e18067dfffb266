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
        if (a.isReleased()) {
            return "tensor(<released>, size=" + Shapes.str(a.shapeRef()) + ", dtype=" + a.dtype() + ")";
        }
        StringBuilder sb = new StringBuilder("tensor(");
        boolean summarise = a.numel() > THRESHOLD;
        double[] all = a.toDoubleArray();
        NumberStyle style = NumberStyle.of(all);
        int[] shape = a.shapeRef();
        if (a.numel() == 0) {
            sb.append("[]");
        } else if (shape.length == 0) {
            sb.append(style.render(all[0]));
        } else {
            appendAxis(sb, all, shape, Shapes.contiguousStrides(shape), 0, 0, style, summarise, 7);
        }
        if (a.numel() == 0 && shape.length != 1) {
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

    /**
     * Fixed four decimals, or scientific notation when magnitudes are very large or small; every
     * entry right-aligned to the widest one, as PyTorch does, so columns line up.
     */
    private record NumberStyle(boolean scientific, int width) {
        static NumberStyle of(double[] values) {
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            // The widest entry is an extreme magnitude of either sign (or zero, or a non-finite value).
            double[] extremes = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
            int nonFiniteWidth = 0;
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    nonFiniteWidth = Math.max(nonFiniteWidth, v == Double.NEGATIVE_INFINITY ? 4 : 3);
                    continue;
                }
                int side = v > 0 ? 0 : v < 0 ? 2 : 4;
                if (side == 4) {
                    extremes[4] = 0;
                    continue;
                }
                maxAbs = Math.max(maxAbs, Math.abs(v));
                minAbs = Math.min(minAbs, Math.abs(v));
                if (!(Math.abs(extremes[side]) >= Math.abs(v))) {
                    extremes[side] = v;
                }
                if (!(Math.abs(extremes[side + 1]) <= Math.abs(v))) {
                    extremes[side + 1] = v;
                }
            }
            NumberStyle unpadded = new NumberStyle(maxAbs >= 1e8 || (minAbs < 1e-4 && maxAbs > 0), 0);
            int width = nonFiniteWidth;
            for (double e : extremes) {
                if (!Double.isNaN(e)) {
                    width = Math.max(width, unpadded.render(e).length());
                }
            }
            return new NumberStyle(unpadded.scientific(), width);
        }

        String render(double v) {
            String s;
            if (Double.isNaN(v)) {
                s = "nan";
            } else if (Double.isInfinite(v)) {
                s = v > 0 ? "inf" : "-inf";
            } else {
                s = String.format(java.util.Locale.ROOT, scientific ? "%.4e" : "%.4f", v);
            }
            return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
        }
    }
}
