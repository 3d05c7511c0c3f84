package dev.clnn.backend;

/**
 * Philox-4×32-10, the counter-based generator of Salmon et al., "Parallel random numbers: as easy as 1, 2, 3" (SC11):
 * four 32-bit words from a 128-bit counter and a 64-bit key, with no state between calls, so any element's word can
 * be drawn on its own, in any order, on any device. {@code kernels/dropout.cl} has the same function in OpenCL C; the
 * known-answer vectors of the Random123 library hold both.
 */
public final class Philox {
    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private Philox() {
    }

    /** The four words for counter (c0, c1, c2, c3) and key (k0, k1), each word an unsigned 32-bit value. */
    public static int[] draw(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = M0 * Integer.toUnsignedLong(c0);
            long p1 = M1 * Integer.toUnsignedLong(c2);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        return new int[] {c0, c1, c2, c3};
    }
}
