/**
 * The command line ({@code clnn}, picocli): train, evaluate, predict, export to ONNX, step, bench, tune, devices and
 * self-check. The top of the tree: it may depend on every other package, and none depends on it.
 */
package dev.clnn.cli;
