package dev.jgrad.examples;

import dev.jgrad.GradScope;
import dev.jgrad.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * One-vs-rest logistic regression on the UCI handwritten digits (8×8 images, classes 0–9), written
 * with element-wise ops, broadcasting and sums only: logits[n, k] = Σⱼ x[n, j]·W[k, j] + b[k] is a
 * broadcast product [N, 1, 64]·[10, 64] summed over the last axis, and the loss is the binary
 * cross-entropy softplus(z) − y·z of every (sample, class) pair.
 */
public final class DigitsClassifier {
    static final int PIXELS = 64;
    static final int CLASSES = 10;

    /** Held-out accuracy and the training loss before and after. */
    public record Result(double testAccuracy, double initialLoss, double finalLoss, int trainSize, int testSize) {
    }

    /** Images (pixels scaled to [0, 1]) and labels. */
    record Data(double[][] images, int[] labels) {
        int size() {
            return labels.length;
        }
    }

    private DigitsClassifier() {
    }

    /** Reads the bundled {@code digits.csv.gz} (see digits-ATTRIBUTION.md beside it). */
    static Data load() {
        List<double[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (InputStream raw = DigitsClassifier.class.getResourceAsStream("digits.csv.gz")) {
            if (raw == null) {
                throw new IllegalStateException("digits.csv.gz is missing from the classpath next to DigitsClassifier");
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] cells = line.split(",");
                double[] image = new double[PIXELS];
                for (int j = 0; j < PIXELS; j++) {
                    image[j] = Integer.parseInt(cells[j].trim()) / 16.0;
                }
                images.add(image);
                labels.add(Integer.parseInt(cells[PIXELS].trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Data(images.toArray(double[][]::new), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** logits [N, 10] of images [N, 64] for weights [10, 64] and bias [10]. */
    static Tensor logits(Tensor images, Tensor weights, Tensor bias) {
        return images.unsqueeze(1).mul(weights).sum(-1).add(bias);
    }

    /** Mean binary cross-entropy of every (sample, class) logit against the one-hot labels, stably. */
    static Tensor loss(Tensor logits, Tensor oneHot) {
        return logits.softplus().sub(oneHot.mul(logits)).mean();
    }

    /**
     * Shuffles with {@code seed}, holds out 297 images, trains on the other 1,500 with Adam on
     * mini-batches for {@code epochs}, and reports the held-out accuracy.
     */
    public static Result run(long seed, int epochs, PrintStream out) {
        Data all = load();
        int[] order = permutation(all.size(), Tensor.rand(seed, all.size()).toDoubleArray());
        int trainSize = 1500;
        int batch = 100;
        Adam adam = new Adam(0.05, Tensor.zeros(CLASSES, PIXELS), Tensor.zeros(CLASSES));
        Tensor trainX = images(all, order, 0, trainSize);
        Tensor trainY = oneHot(all, order, 0, trainSize);
        double initialLoss = evaluateLoss(trainX, trainY, adam);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int start = 0; start < trainSize; start += batch) {
                loss(logits(images(all, order, start, start + batch), adam.param(0), adam.param(1)),
                        oneHot(all, order, start, start + batch)).backward();
                adam.step();
            }
            if (epoch % Math.max(1, epochs / 5) == 0 || epoch == epochs) {
                out.printf(Locale.ROOT, "  epoch %3d  training loss %.4f%n", epoch, evaluateLoss(trainX, trainY, adam));
            }
        }
        double finalLoss = evaluateLoss(trainX, trainY, adam);
        int testSize = all.size() - trainSize;
        double accuracy = accuracy(images(all, order, trainSize, all.size()), all, order, trainSize, adam);
        return new Result(accuracy, initialLoss, finalLoss, trainSize, testSize);
    }

    private static double evaluateLoss(Tensor x, Tensor y, Adam adam) {
        try (GradScope _ = Tensor.noGrad()) {
            return loss(logits(x, adam.param(0), adam.param(1)), y).item();
        }
    }

    private static double accuracy(Tensor x, Data all, int[] order, int from, Adam adam) {
        double[] z;
        try (GradScope _ = Tensor.noGrad()) {
            z = logits(x, adam.param(0), adam.param(1)).toDoubleArray();
        }
        int correct = 0;
        for (int n = 0; n < order.length - from; n++) {
            int best = 0;
            for (int k = 1; k < CLASSES; k++) {
                if (z[n * CLASSES + k] > z[n * CLASSES + best]) {
                    best = k;
                }
            }
            correct += best == all.labels()[order[from + n]] ? 1 : 0;
        }
        return (double) correct / (order.length - from);
    }

    private static Tensor images(Data all, int[] order, int from, int to) {
        double[] flat = new double[(to - from) * PIXELS];
        for (int n = from; n < to; n++) {
            System.arraycopy(all.images()[order[n]], 0, flat, (n - from) * PIXELS, PIXELS);
        }
        return Tensor.of(flat, to - from, PIXELS);
    }

    private static Tensor oneHot(Data all, int[] order, int from, int to) {
        double[] flat = new double[(to - from) * CLASSES];
        for (int n = from; n < to; n++) {
            flat[(n - from) * CLASSES + all.labels()[order[n]]] = 1;
        }
        return Tensor.of(flat, to - from, CLASSES);
    }

    /** Fisher–Yates shuffle of 0..n−1 driven by the uniform samples {@code u}. */
    private static int[] permutation(int n, double[] u) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (u[i] * (i + 1));
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }
}
