package dev.jgrad.kernels;

import dev.jgrad.tensor.Storage;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same input gives the same bits on the first call (interpreted or C1 code) and after the JIT
 * has compiled the loops (C2): the vector library's lanewise SIN/EXP/… do not (C2 swaps in a
 * different stub), so jgrad's kernels must not use them. Runs in a fresh JVM, because in this one
 * other tests may have compiled the kernels already.
 */
class KernelDeterminismTest {
    private static final UnaryFn.Kind[] KINDS = {UnaryFn.Kind.SIN, UnaryFn.Kind.COS, UnaryFn.Kind.TAN, UnaryFn.Kind.EXP,
            UnaryFn.Kind.EXPM1, UnaryFn.Kind.TANH, UnaryFn.Kind.LOG, UnaryFn.Kind.LOG1P, UnaryFn.Kind.SIGMOID,
            UnaryFn.Kind.SOFTPLUS, UnaryFn.Kind.SILU};

    @Test
    void firstCallAndCompiledCallsGiveTheSameBits() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = location(KernelDeterminismTest.class) + File.pathSeparator + location(KernelProvider.class);
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp", cp));
        String kernels = System.getProperty("jgrad.kernels");
        if (kernels != null) {
            cmd.add("-Djgrad.kernels=" + kernels);
        }
        cmd.add(Child.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child JVM timed out");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("checked " + 2 * KINDS.length + " functions"), out);
    }

    @Test
    void mappingInPlaceGivesWhatMappingIntoAnotherArrayGives() {
        // Lanes beyond a polynomial's range (huge, NaN) are patched with the scalar definition
        // after the vector store: that must read the arguments, not the already-overwritten input.
        Kernels k = KernelProvider.get();
        int n = 4_099;
        Random rnd = new Random(5);
        for (UnaryFn.Kind kind : KINDS) {
            for (boolean f32 : new boolean[] {true, false}) {
                Storage x = f32 ? new Storage.F32(new float[n]) : new Storage.F64(new double[n]);
                Storage y = f32 ? new Storage.F32(new float[n]) : new Storage.F64(new double[n]);
                for (int i = 0; i < n; i++) {
                    x.set(i, i % 7 == 0 ? Double.NaN : (rnd.nextDouble() - 0.5) * (i % 5 == 0 ? 1e6 : 10));
                }
                UnaryFn f = UnaryFn.of(kind);
                k.mapRange(f, x, 0, y, 0, n);
                k.mapRange(f, x, 0, x, 0, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Double.doubleToRawLongBits(y.get(i)), Double.doubleToRawLongBits(x.get(i)),
                            kind + (f32 ? " f32" : " f64") + " at " + i);
                }
            }
        }
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** Maps one fresh array first thing, then 2,000 more times, and counts elements whose bits changed. */
    public static final class Child {
        public static void main(String[] args) {
            Kernels k = KernelProvider.get();
            int n = 20_011;
            int bad = 0;
            StringBuilder report = new StringBuilder(k.name()).append('\n');
            for (UnaryFn.Kind kind : KINDS) {
                for (boolean f32 : new boolean[] {true, false}) {
                    UnaryFn f = UnaryFn.of(kind);
                    Random rnd = new Random(kind.ordinal());
                    Storage x = f32 ? new Storage.F32(new float[n]) : new Storage.F64(new double[n]);
                    for (int i = 0; i < n; i++) {
                        double v = (rnd.nextDouble() * 2 - 1) * (i % 3 == 0 ? 100 : 4);
                        // ln's domain: mostly positive arguments (ln(1 + x) also takes (−1, 0)).
                        x.set(i, kind == UnaryFn.Kind.LOG ? Math.abs(v) : kind == UnaryFn.Kind.LOG1P ? Math.abs(v) - 0.9 : v);
                    }
                    Storage first = f32 ? new Storage.F32(new float[n]) : new Storage.F64(new double[n]);
                    Storage later = f32 ? new Storage.F32(new float[n]) : new Storage.F64(new double[n]);
                    k.mapRange(f, x, 0, first, 0, n);
                    for (int c = 0; c < 2_000; c++) {
                        k.mapRange(f, x, 0, later, 0, n);
                    }
                    int differ = 0;
                    for (int i = 0; i < n; i++) {
                        if (Double.doubleToRawLongBits(first.get(i)) != Double.doubleToRawLongBits(later.get(i))) {
                            differ++;
                        }
                    }
                    report.append(kind).append(f32 ? " f32: " : " f64: ").append(differ).append(" of ").append(n)
                            .append(" elements differ\n");
                    bad += differ;
                }
            }
            report.append("checked ").append(2 * KINDS.length).append(" functions");
            System.out.println(report);
            System.exit(bad == 0 ? 0 : 1);
        }
    }
}
