package dev.clnn.train;

/**
 * A classifier's output row read on the host: its softmax probabilities and its arg-max class, the same for
 * {@link TrainedModel} and {@code clnn predict}.
 */
public final class ClassScores {
    private ClassScores() {
    }

    /** The softmax of {@code k} scores from {@code off}, in double with their maximum subtracted so none overflows. */
    public static double[] softmax(float[] scores, int off, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, scores[off + j]);
        }
        double[] p = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            p[j] = Math.exp(scores[off + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < k; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /**
     * The index of the largest of {@code k} scores from {@code off}: the first on ties, and a NaN wins, as the backends'
     * countCorrect counts a row (so predictions and the test accuracy agree).
     */
    public static int argMax(float[] scores, int off, int k) {
        int best = 0;
        for (int j = 1; j < k && !Float.isNaN(scores[off + best]); j++) {
            if (scores[off + j] > scores[off + best] || Float.isNaN(scores[off + j])) {
                best = j;
            }
        }
        return best;
    }
}
