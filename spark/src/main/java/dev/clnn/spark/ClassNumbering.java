package dev.clnn.spark;

import dev.clnn.data.CsvTable;
import dev.clnn.data.DataFileException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The classes of a label column from its distinct cells, by {@link CsvTable}'s rule: when every cell is a number,
 * each must be a whole number in [0, {@link CsvTable#MAX_CLASS}], the classes are 0..max and named by their
 * integers; otherwise every cell is a string and the classes are the distinct strings in sorted order.
 *
 * @param classOf    each distinct cell's class
 * @param classNames the classes' names, in class order
 */
record ClassNumbering(Map<String, Integer> classOf, List<String> classNames) implements Serializable {

    /**
     * @param firstRow each distinct cell with the 0-based row it first occurs on, for the error message
     * @throws DataFileException naming the first row whose cell breaks the rule
     */
    static ClassNumbering of(Map<String, Long> firstRow, String file, String column) {
        Map<String, Integer> classOf = new HashMap<>();
        if (firstRow.keySet().stream().allMatch(ClassNumbering::isNumber)) {
            String bad = null;
            String problem = null;
            int max = 0;
            for (Map.Entry<String, Long> e : firstRow.entrySet()) {
                String cell = e.getKey();
                String p = null;
                long v = -1;
                try {
                    v = Long.parseLong(cell);
                } catch (NumberFormatException x) {
                    p = "\"" + cell + "\" is not an integer class (a label column of numbers must hold whole"
                            + " numbers >= 0)";
                }
                if (p == null && v < 0) {
                    p = "\"" + cell + "\" is a negative class (classes are integers >= 0)";
                } else if (p == null && v > CsvTable.MAX_CLASS) {
                    p = "class " + cell + " is above the limit " + CsvTable.MAX_CLASS;
                }
                if (p != null) {
                    if (bad == null || e.getValue() < firstRow.get(bad)) {
                        bad = cell;
                        problem = p;
                    }
                } else {
                    classOf.put(cell, (int) v);
                    max = Math.max(max, (int) v);
                }
            }
            if (bad != null) {
                throw new DataFileException(file, "row " + (firstRow.get(bad) + 1) + ", column \"" + column + "\": "
                        + problem);
            }
            List<String> names = new ArrayList<>(max + 1);
            for (int k = 0; k <= max; k++) {
                names.add(Integer.toString(k));
            }
            return new ClassNumbering(classOf, names);
        }
        List<String> names = new ArrayList<>(new TreeSet<>(firstRow.keySet()));
        for (int k = 0; k < names.size(); k++) {
            classOf.put(names.get(k), k);
        }
        return new ClassNumbering(classOf, names);
    }

    /**
     * The cells of a second table (--test) numbered by this table's classes, matched by name, as {@code clnn train}
     * renumbers a test file's labels.
     *
     * @param own      the second table's own numbering
     * @param firstRow its cells' first rows
     * @throws DataFileException naming the test file's first row whose class this table lacks
     */
    ClassNumbering renumber(ClassNumbering own, Map<String, Long> firstRow, String testFile, String dataFile) {
        Map<String, Integer> byName = new HashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            byName.put(classNames.get(c), c);
        }
        Map<String, Integer> out = new HashMap<>();
        String missing = null;
        for (Map.Entry<String, Integer> e : own.classOf().entrySet()) {
            Integer c = byName.get(own.classNames().get(e.getValue()));
            if (c != null) {
                out.put(e.getKey(), c);
            } else if (missing == null || firstRow.get(e.getKey()) < firstRow.get(missing)) {
                missing = e.getKey();
            }
        }
        if (missing != null) {
            throw new DataFileException(testFile, "row " + (firstRow.get(missing) + 1) + ": class \""
                    + own.classNames().get(own.classOf().get(missing)) + "\" does not occur in " + dataFile
                    + ", whose classes are " + classNames);
        }
        return new ClassNumbering(out, classNames);
    }

    private static boolean isNumber(String s) {
        String t = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        if (t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity")) {
            return true;
        }
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
