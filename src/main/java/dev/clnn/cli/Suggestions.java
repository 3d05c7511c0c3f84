package dev.clnn.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The names nearest to a mistyped one ({@code --epoch} → {@code --epochs}, {@code trian} → {@code train}): the
 * fewest edits (insert, delete, substitute, swap two neighbours), allowing 1 edit for names up to 5 characters and 2
 * beyond; failing that, names that the typed one starts with or that start with it. Leading dashes and case do not
 * count.
 */
final class Suggestions {
    /** Names shorter than this are too short for a prefix to mean anything. */
    private static final int MIN_PREFIX = 3;

    private Suggestions() {
    }

    /** The nearest names in {@code names}' order, or none when nothing is near. */
    static List<String> nearest(String typed, Collection<String> names) {
        String t = bare(typed);
        int allowed = t.length() <= 2 ? 0 : t.length() <= 5 ? 1 : 2;
        List<String> best = new ArrayList<>();
        int bestDistance = allowed + 1;
        for (String name : names) {
            int d = distance(t, bare(name));
            if (d > allowed) {
                continue;
            }
            if (d < bestDistance) {
                best.clear();
                bestDistance = d;
            }
            if (d == bestDistance) {
                best.add(name);
            }
        }
        if (best.isEmpty()) {
            for (String name : names) {
                String n = bare(name);
                if (Math.min(n.length(), t.length()) >= MIN_PREFIX && (n.startsWith(t) || t.startsWith(n))) {
                    best.add(name);
                }
            }
        }
        return best;
    }

    /** "a", "a or b", "a, b or c". */
    static String either(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static String bare(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == '-') {
            start++;
        }
        return name.substring(start).toLowerCase(Locale.ROOT);
    }

    /** Optimal string alignment distance: Levenshtein plus the swap of two neighbouring characters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
