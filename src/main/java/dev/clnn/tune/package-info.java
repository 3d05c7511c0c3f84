/**
 * The tuner ({@code clnn tune}): measures kernel configurations and convolution algorithms on one OpenCL device and
 * stores the fastest in the tuning store. Depends on the OpenCL backend and its tuning, the CPU reference (to check
 * each candidate) and {@code nn}.
 */
package dev.clnn.tune;
