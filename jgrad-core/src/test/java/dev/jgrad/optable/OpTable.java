package dev.jgrad.optable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * THE op table: one row per public differentiable op variant. Adding an op means adding a row to
 * one of the row files; every generic check in {@link OpTableChecksTest} then runs on it.
 *
 * <p>Set the system property {@code ops} (comma-separated method names, e.g. {@code -Dops=exp,add})
 * to run the checks on some rows only while developing; {@code -Dops=-matmul,-dot} runs all but those.
 */
public final class OpTable {
    /** Seeds every row × shape is run with. */
    public static final long[] SEEDS = {1, 2, 3};

    private static final List<OpSpec> ALL = build();
    private static final List<OpSpec> NON_DIFFERENTIABLE = NonDifferentiableRows.rows();

    private OpTable() {
    }

    private static List<OpSpec> build() {
        List<OpSpec> rows = new ArrayList<>();
        rows.addAll(ElementwiseRows.rows());
        rows.addAll(ReductionRows.rows());
        rows.addAll(ShapeRows.rows());
        rows.addAll(JoinRows.rows());
        rows.addAll(LinalgLossRows.rows());
        return List.copyOf(rows);
    }

    /** Every row, unfiltered (the coverage test uses this). */
    public static List<OpSpec> all() {
        return ALL;
    }

    /** Rows of public ops without a derivative (comparisons, argmax/argmin): value checks only. */
    public static List<OpSpec> nonDifferentiable() {
        return NON_DIFFERENTIABLE;
    }

    /** The rows of {@code rows} selected by the {@code ops} system property (all when unset). */
    static List<OpSpec> selected(List<OpSpec> rows) {
        String filter = System.getProperty("ops", "").trim();
        if (filter.isEmpty()) {
            return rows;
        }
        Set<String> names = Arrays.stream(filter.split(",")).map(String::trim).collect(Collectors.toSet());
        boolean exclude = names.stream().allMatch(n -> n.startsWith("-"));
        return rows.stream().filter(r -> exclude ? !names.contains("-" + r.name) : names.contains(r.name)).toList();
    }

    /** Every selected differentiable row × shape tuple × seed. */
    public static List<OpCase> cases() {
        return cases(ALL);
    }

    /** Every selected row of {@code rows} × shape tuple × seed. */
    public static List<OpCase> cases(List<OpSpec> rows) {
        List<OpCase> out = new ArrayList<>();
        for (OpSpec row : selected(rows)) {
            for (int[][] shapes : row.shapes) {
                for (long seed : SEEDS) {
                    out.add(new OpCase(row, shapes, seed));
                }
            }
        }
        return out;
    }
}
