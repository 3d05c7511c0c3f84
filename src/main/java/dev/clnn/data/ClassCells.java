package dev.clnn.data;

/**
 * The rule for a label column's cells, one place for every reader of tables ({@link CsvTable}, and the Spark
 * module's executors): a column whose every cell reads as a number holds integer classes, each a whole number in
 * [0, {@link CsvTable#MAX_CLASS}]; any other column holds class names.
 */
public final class ClassCells {
    private ClassCells() {
    }

    /** Whether {@code cell} reads as a number (non-finite spellings such as "nan" and "-inf" included). */
    public static boolean isNumber(String cell) {
        if (CsvTable.isNonFiniteSpelling(cell)) {
            return true;
        }
        try {
            Double.parseDouble(cell);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Why a cell of an all-number label column is no class, or null when it is one ({@link #classOf}). */
    public static String problem(String cell) {
        long v;
        try {
            v = Long.parseLong(cell);
        } catch (NumberFormatException e) {
            return "\"" + cell + "\" is not an integer class (a label column of numbers must hold whole numbers >= 0)";
        }
        if (v < 0) {
            return "\"" + cell + "\" is a negative class (classes are integers >= 0)";
        }
        return v > CsvTable.MAX_CLASS ? "class " + cell + " is above the limit " + CsvTable.MAX_CLASS : null;
    }

    /** The class of a cell {@link #problem} accepts. */
    public static int classOf(String cell) {
        return Math.toIntExact(Long.parseLong(cell));
    }
}
