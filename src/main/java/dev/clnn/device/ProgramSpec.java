package dev.clnn.device;

/**
 * One program to build: a file of kernels/ and the build options it is compiled with.
 *
 * @param file    the file name under kernels/, e.g. {@code relu.cl}
 * @param options the build options, e.g. {@code -DREDUCE_LOCAL=256}; empty for none
 */
public record ProgramSpec(String file, String options) {
}
