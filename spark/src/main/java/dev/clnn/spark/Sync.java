package dev.clnn.spark;

import java.util.Locale;

/**
 * How the replicas synchronise. {@link #BARRIER}: one Spark job (a barrier stage) runs every step up to the next
 * evaluation or training state, and the tasks exchange each round's results among themselves through Spark's barrier
 * coordinator, keeping the weights on the executors. {@link #JOBS}: one Spark job per round, the driver broadcasting
 * the weights and collecting the results. {@link #AUTO}: barrier where the partitions fit the task slots Spark
 * reports at the start (a barrier stage runs all its tasks at once), else jobs.
 */
public enum Sync {
    AUTO, BARRIER, JOBS;

    /** "auto", "barrier" or "jobs". */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value and the choices */
    public static Sync parse(String text) {
        for (Sync s : values()) {
            if (s.text().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--sync must be auto, barrier or jobs, got \"" + text + "\"");
    }
}
