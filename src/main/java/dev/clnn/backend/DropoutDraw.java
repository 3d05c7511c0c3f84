package dev.clnn.backend;

/**
 * Which elements a dropout layer keeps in one forward pass: a pure function of the run's seed, the layer's index in
 * the model, the optimiser's step and each element's global row (the row's index in the whole batch, not in a
 * device's shard) and index within the row. So a resumed run, each device of a data-parallel step, the CPU and every
 * OpenCL device draw the same mask for the same rows.
 *
 * <p>Element e of global row r is kept when word e mod 4 of Philox-4×32-10 with counter (e / 4, r, step, layer) and
 * key (seed's low 32 bits, seed's high 32 bits), read unsigned, is at least {@link #threshold()} = floor(p·2³²):
 * probability 1 − p up to 2⁻³². Kept elements are scaled by {@link #scale()} = 1 / (1 − p), as PyTorch's inverted
 * dropout. Only the step's low 32 bits enter the counter: masks repeat after 2³² steps.
 *
 * @param seed     the run's seed
 * @param layer    the layer's index in the model
 * @param step     the optimiser's step count when the forward pass runs (0 for the first step)
 * @param firstRow the global row of the tensor's first row
 * @param p        the probability of dropping an element, in [0, 1)
 */
public record DropoutDraw(long seed, int layer, long step, int firstRow, double p) {

    public DropoutDraw {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1) but was " + p);
        }
        if (layer < 0 || firstRow < 0 || step < 0) {
            throw new IllegalArgumentException("dropout draw needs layer, step and first row >= 0 but got layer "
                    + layer + ", step " + step + ", first row " + firstRow);
        }
    }

    /** The unsigned 32-bit bound below which a word drops its element, as an int with the same bits. */
    public int threshold() {
        return (int) (long) Math.floor(p * 4294967296.0);
    }

    /** 1 / (1 − p) in float, the factor of the kept elements. */
    public float scale() {
        return (float) (1.0 / (1.0 - p));
    }

    /** Whether element {@code element} of the tensor's row {@code row} (counted from {@link #firstRow}) is kept. */
    public boolean keeps(int row, int element) {
        int[] words = Philox.draw(element >>> 2, firstRow + row, (int) step, layer, (int) seed, (int) (seed >>> 32));
        return Integer.compareUnsigned(words[element & 3], threshold()) >= 0;
    }

    /** This draw for the rows from {@code firstRow} on (a shard's first global row). */
    public DropoutDraw atRow(int firstRow) {
        return new DropoutDraw(seed, layer, step, firstRow, p);
    }
}
