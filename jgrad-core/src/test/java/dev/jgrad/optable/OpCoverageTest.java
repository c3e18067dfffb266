package dev.jgrad.optable;

import dev.jgrad.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fails, naming them, when a public op of {@link Tensor} has no row in the op table. */
class OpCoverageTest {
    /** Public static methods that are ops (the rest of the statics create tensors). */
    private static final Set<String> STATIC_OPS = Set.of("where", "concat", "stack");

    /** Methods returning a Tensor that are not ops, each with the reason. */
    private static final Set<String> NOT_OPS = Set.of(
            "grad",          // the accumulated gradient, not a function of the value
            "detach",        // cuts the graph by definition
            "requiresGrad",  // flag setter returning this
            "retainGrad",    // flag setter returning this
            "evaluate");     // computes deferred elements, returns this (same values)

    @Test
    void everyPublicOpHasARow() {
        Set<String> covered = new TreeSet<>();
        Stream.concat(OpTable.all().stream(), OpTable.nonDifferentiable().stream()).forEach(r -> covered.add(r.name));
        Set<String> missing = new TreeSet<>();
        for (Method m : Tensor.class.getMethods()) {
            boolean isStatic = Modifier.isStatic(m.getModifiers());
            boolean returnsTensors = m.getReturnType() == Tensor.class || m.getReturnType() == List.class;
            boolean isOp = returnsTensors && m.getDeclaringClass() == Tensor.class
                    && (isStatic ? STATIC_OPS.contains(m.getName()) : !NOT_OPS.contains(m.getName()));
            if (isOp && !covered.contains(m.getName())) {
                missing.add(m.getName());
            }
        }
        assertTrue(missing.isEmpty(), "public Tensor ops without a row in the op table: " + missing);
    }

    @Test
    void everyRowNamesAPublicMethod() {
        Set<String> methods = new TreeSet<>();
        for (Method m : Tensor.class.getMethods()) {
            methods.add(m.getName());
        }
        Set<String> unknown = new TreeSet<>();
        Stream.concat(OpTable.all().stream(), OpTable.nonDifferentiable().stream())
                .filter(r -> !methods.contains(r.name)).forEach(r -> unknown.add(r.name));
        assertTrue(unknown.isEmpty(), "op-table rows naming no public Tensor method: " + unknown);
    }
}
