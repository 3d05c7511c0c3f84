/**
 * Checks of results against the CPU reference, shipped in the jar so a machine without Maven can run them: the
 * comparison every check reports ({@link dev.clnn.check.ParityComparison}), the one GEMM check ({@link
 * dev.clnn.check.GemmCheck}) that the tuner, {@code clnn selfcheck}, the parity checks and the benchmarks share, the
 * table of tolerances ({@link dev.clnn.check.Tolerances}), the seeded inputs and poisoned outputs ({@link
 * dev.clnn.check.SeededData}), and the op-by-op parity run ({@link dev.clnn.check.ParityCheck}). It may import the
 * backend-neutral API, the CPU reference and the layers it checks ({@code nn}); nothing here imports {@code org.jocl}.
 */
package dev.clnn.check;
