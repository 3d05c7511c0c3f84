package dev.clnn.train;

/** Mean cross-entropy loss and accuracy over a data set. */
public record Evaluation(double loss, int correct, int total) {
    public double accuracy() {
        return total == 0 ? 0 : (double) correct / total;
    }
}
