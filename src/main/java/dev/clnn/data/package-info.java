/**
 * Data formats (IDX, CSV, NumPy, safetensors), data sets and batches, and atomic file writes. Depends on nothing else
 * in clnn.
 */
package dev.clnn.data;
