package dev.clnn.spark;

import java.io.Serializable;

/**
 * One training example as the Spark trainer takes it: the features of one sample, row-major in the sample's shape
 * (784 values for a 28×28 MNIST digit), and its class label.
 */
public record Sample(float[] features, int label) implements Serializable {
}
