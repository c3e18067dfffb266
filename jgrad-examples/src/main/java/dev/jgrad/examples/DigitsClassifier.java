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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A 64-32-10 multilayer perceptron on the UCI handwritten digits (8×8 images, classes 0–9),
 * written the way a PyTorch user would: h = tanh(x·W1 + b1), logits = h·W2 + b2, loss = mean
 * cross-entropy of the logits against the labels; trained by reverse mode and Adam on shuffled
 * mini-batches (picked with indexSelect), evaluated under {@link Tensor#noGrad()} with argmax.
 */
public final class DigitsClassifier {
    static final int PIXELS = 64;
    static final int HIDDEN = 32;
    static final int CLASSES = 10;
    static final int TRAIN_SIZE = 1500;
    static final int BATCH = 50;
    static final double LEARNING_RATE = 0.01;

    /**
     * Held-out accuracy, the full training loss before and after training, and the held-out
     * confusion matrix: {@code confusion[true][predicted]} counts test images.
     */
    public record Result(double testAccuracy, double initialLoss, double finalLoss, int trainSize, int testSize,
                         int[][] confusion) {
        /** Fraction of the test images of class {@code k} that were classified as {@code k}. */
        public double classAccuracy(int k) {
            int total = Arrays.stream(confusion[k]).sum();
            return total == 0 ? Double.NaN : (double) confusion[k][k] / total;
        }
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

    /** logits [N, 10] of images [N, 64] through the parameters (W1 [64, 32], b1 [32], W2 [32, 10], b2 [10]). */
    static Tensor logits(Tensor images, Adam params) {
        Tensor hidden = images.matmul(params.param(0)).add(params.param(1)).tanh();
        return hidden.matmul(params.param(2)).add(params.param(3));
    }

    /**
     * Shuffles with {@code seed}, holds out the last 297 images, trains on the other 1,500 with
     * Adam on mini-batches of 50 for {@code epochs} (reshuffled every epoch), and reports the
     * held-out accuracy and confusion matrix.
     */
    public static Result run(long seed, int epochs, PrintStream out) {
        Data all = load();
        int[] order = permutation(all.size(), seed);
        int[] trainRows = Arrays.copyOfRange(order, 0, TRAIN_SIZE);
        int[] testRows = Arrays.copyOfRange(order, TRAIN_SIZE, all.size());
        Tensor images = Tensor.of(all.images());
        Tensor trainX = images.indexSelect(0, trainRows);
        int[] trainY = pick(all.labels(), trainRows);

        // Weights ~ N(0, 1/fan_in) keep tanh out of saturation at the start; biases start at zero.
        Adam adam = new Adam(LEARNING_RATE,
                Tensor.randn(seed + 1, PIXELS, HIDDEN).div(Math.sqrt(PIXELS)), Tensor.zeros(HIDDEN),
                Tensor.randn(seed + 2, HIDDEN, CLASSES).div(Math.sqrt(HIDDEN)), Tensor.zeros(CLASSES));
        double initialLoss = evaluateLoss(trainX, trainY, adam);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] shuffled = permutation(TRAIN_SIZE, seed + 100 + epoch);
            double lossSum = 0;
            for (int start = 0; start < TRAIN_SIZE; start += BATCH) {
                int[] rows = Arrays.copyOfRange(shuffled, start, Math.min(start + BATCH, TRAIN_SIZE));
                Tensor loss = logits(trainX.indexSelect(0, rows), adam).crossEntropy(pick(trainY, rows));
                loss.backward();
                adam.step();
                lossSum += loss.item() * rows.length;
            }
            if (epoch % Math.max(1, epochs / 5) == 0 || epoch == epochs) {
                out.printf(Locale.ROOT, "  epoch %3d  mean mini-batch loss %.4f%n", epoch, lossSum / TRAIN_SIZE);
            }
        }
        double finalLoss = evaluateLoss(trainX, trainY, adam);
        int[][] confusion = confusion(images.indexSelect(0, testRows), pick(all.labels(), testRows), adam);
        int correct = 0;
        for (int k = 0; k < CLASSES; k++) {
            correct += confusion[k][k];
        }
        return new Result((double) correct / testRows.length, initialLoss, finalLoss, TRAIN_SIZE, testRows.length, confusion);
    }

    private static double evaluateLoss(Tensor x, int[] labels, Adam adam) {
        try (GradScope _ = Tensor.noGrad()) {
            return logits(x, adam).crossEntropy(labels).item();
        }
    }

    /** {@code confusion[true][predicted]} over the images {@code x} with the given labels. */
    private static int[][] confusion(Tensor x, int[] labels, Adam adam) {
        double[] predicted;
        try (GradScope _ = Tensor.noGrad()) {
            predicted = logits(x, adam).argmax(1, false).toDoubleArray();
        }
        int[][] counts = new int[CLASSES][CLASSES];
        for (int n = 0; n < labels.length; n++) {
            counts[labels[n]][(int) predicted[n]]++;
        }
        return counts;
    }

    private static int[] pick(int[] values, int[] rows) {
        int[] picked = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            picked[i] = values[rows[i]];
        }
        return picked;
    }

    /** Fisher–Yates shuffle of 0..n−1 driven by uniform samples drawn from {@code seed}. */
    private static int[] permutation(int n, long seed) {
        double[] u = Tensor.rand(seed, n).toDoubleArray();
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
