package dev.clnn.device;

/** A kernel argument that reserves {@code bytes} of local (work-group shared) memory. */
public record LocalMemory(long bytes) {
}
