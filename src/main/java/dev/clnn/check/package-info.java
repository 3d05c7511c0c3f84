/**
 * Parity checks a user can run on their own device: each op on a backend against the CPU reference. Depends on the
 * neutral API, the CPU reference and {@code nn}.
 */
package dev.clnn.check;
