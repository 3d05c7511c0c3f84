package dev.clnn.optim;

/** lr(t) = η_min + ½(η₀ − η_min)(1 + cos(π·t/T_max)) for t ≤ T_max, then η_min. */
record CosineLr(double lr0, long tMax, double etaMin) implements LrSchedule {

    CosineLr {
        ScheduleArgs.requireBaseLr(lr0);
        ScheduleArgs.requirePositive("cosine period T_max", tMax);
        if (!Double.isFinite(etaMin) || etaMin < 0 || etaMin > lr0) {
            throw new IllegalArgumentException("cosine floor η_min must be finite with 0 ≤ η_min ≤ η₀ = " + lr0
                    + ", got " + etaMin);
        }
    }

    @Override
    public double lr(long step) {
        ScheduleArgs.requireStep(step);
        // Hold the floor after T_max instead of following PyTorch's periodic closed form back up.
        if (step >= tMax) {
            return etaMin;
        }
        return etaMin + 0.5 * (lr0 - etaMin) * (1 + Math.cos(Math.PI * step / tMax));
    }

    @Override
    public String toString() {
        return "cosine(lr0=" + lr0 + ", tMax=" + tMax + ", etaMin=" + etaMin + ")";
    }
}
