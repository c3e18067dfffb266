package dev.jgrad;

/** How a loss combines its per-element values, as PyTorch's {@code reduction=} argument. */
public enum Reduction {
    /** The mean over all elements (the default of every loss). */
    MEAN,
    /** The sum over all elements. */
    SUM,
    /** No reduction: one loss per element (or per sample for cross-entropy). */
    NONE
}
