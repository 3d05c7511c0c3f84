/**
 * Charts of a run's metrics (XChart, an optional dependency). Depends on {@code data} only.
 */
package dev.clnn.plot;
