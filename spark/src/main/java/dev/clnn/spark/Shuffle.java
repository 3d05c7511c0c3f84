package dev.clnn.spark;

import java.util.Locale;

/**
 * How the samples of each epoch reach the partitions. {@link #GLOBAL}: one network shuffle per epoch lays out
 * {@code clnn train}'s seeded order of that epoch, so K = 1 trains on one device's batches. {@link #LOCAL}: the
 * first epoch is laid out so, and later epochs keep each partition's rows and shuffle them in place (seeded by seed,
 * epoch and partition): no network traffic after the first epoch, but later batches are not one device's.
 */
public enum Shuffle {
    GLOBAL, LOCAL;

    /** "global" or "local". */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value and the choices */
    public static Shuffle parse(String text) {
        for (Shuffle s : values()) {
            if (s.text().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--shuffle must be global or local, got \"" + text + "\"");
    }
}
