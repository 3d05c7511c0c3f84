package dev.clnn.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link GemmBench} shape written {@code MxNxK:T}, e.g. {@code 1024x1024x1024:NN}: C (m, n) = op(A) · op(B) with
 * inner size k, and T two letters, N or T, for op(A) and op(B). The text has no commas because JMH splits
 * {@code -p shape=…} values at commas.
 */
record GemmShape(int m, int n, int k, boolean transA, boolean transB) {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})x(\\d{1,9})x(\\d{1,9}):([NT])([NT])");

    /** @throws IllegalArgumentException naming the text and the expected form */
    static GemmShape parse(String text) {
        Matcher p = FORMAT.matcher(text.trim());
        if (!p.matches() || p.group(1).matches("0+") || p.group(2).matches("0+") || p.group(3).matches("0+")) {
            throw new IllegalArgumentException("GemmBench shape \"" + text + "\" must be MxNxK:T with positive sizes"
                    + " and T one of NN, NT, TN, TT, e.g. -p shape=1024x1024x1024:NN (JMH splits values at commas)");
        }
        return new GemmShape(Integer.parseInt(p.group(1)), Integer.parseInt(p.group(2)),
                Integer.parseInt(p.group(3)), p.group(4).equals("T"), p.group(5).equals("T"));
    }
}
