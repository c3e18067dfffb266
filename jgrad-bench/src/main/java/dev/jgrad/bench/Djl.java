package dev.jgrad.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.jgrad.DType;

/** PyTorch through DJL: one base manager per benchmark trial, the same thread count as jgrad. */
final class Djl {
    private Djl() {
    }

    /** The threads both libraries use: {@code -Djgrad.threads}, else every core (jgrad's default). */
    static int threads() {
        return Integer.getInteger("jgrad.threads", Runtime.getRuntime().availableProcessors());
    }

    /**
     * A base manager on the PyTorch engine, with PyTorch's intra-op threads set like jgrad's and
     * recording off (DJL records only inside a GradientCollector).
     */
    static NDManager newManager() {
        NDManager manager = NDManager.newBaseManager("PyTorch");
        JniUtils.setNumThreads(threads());
        JniUtils.setGradMode(false);
        return manager;
    }

    /** {@code data} as an NDArray of the given dtype and shape. */
    static NDArray array(NDManager manager, double[] data, DType dtype, long... shape) {
        return dtype == DType.FLOAT32
                ? manager.create(Inputs.toFloat(data), new Shape(shape))
                : manager.create(data, new Shape(shape));
    }

    /** The value of a 0-d or one-element array as a double, whatever its dtype. */
    static double scalar(NDArray a) {
        try (NDArray copy = a.toType(DataType.FLOAT64, true)) {
            return copy.toDoubleArray()[0];
        }
    }
}
