/**
 * The CPU reference backend: plain loops over flat arrays, the specification every other backend is tested against.
 * Depends only on the neutral API ({@code dev.clnn.backend}); never on OpenCL, the device layer or the tuning.
 */
package dev.clnn.backend.cpu;
