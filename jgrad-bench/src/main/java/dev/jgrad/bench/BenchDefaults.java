package dev.jgrad.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Settings every benchmark class inherits (JMH reads these annotations from superclasses): average
 * time per call in nanoseconds, two forks of 4 one-second warm-up ({@link MlpBench}: 10) and 5 measured 0.6-second
 * iterations (about 15 s per benchmark, so the full run of about 50 stays near 15 minutes on 2
 * cores). Warm-up matters: with 0.3 s of it the MLP step measured 10× slower (the matrix kernels
 * were not compiled yet). {@code bench/run.sh --quick} overrides the counts on the command line;
 * the fork JVM arguments stay.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1000, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 600, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {BenchDefaults.ADD_MODULES, BenchDefaults.VECTOR_MODULE, BenchDefaults.DJL_OFFLINE,
        BenchDefaults.HEAP, BenchDefaults.HEAP_MIN, BenchDefaults.PRE_TOUCH,
        BenchDefaults.RESULT_ARRAYS})
public abstract class BenchDefaults {
    // Annotation values must be constants, so the fork arguments are spelled out once here.
    static final String ADD_MODULES = "--add-modules";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String DJL_OFFLINE = "-Dai.djl.offline=true";
    /**
     * A fixed 3 GiB heap, touched when the fork starts. Without it, on the 2-core KVM guests of
     * 2026-11-29 every JMH fork kept taking fresh pages as the heap grew (311,000 guest page faults
     * in a 9-second fork of one small matmul benchmark), and whole iterations ran 10-30x slower:
     * 64^3 float32 one thread 18.6 +/- 127.5 us against 2.91 +/- 0.14 us with these flags (one
     * fork each, same minute). A JVM service sized for its work runs the same way.
     */
    static final String HEAP = "-Xmx3g";
    static final String HEAP_MIN = "-Xms3g";
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";
    /** Lets jgrad allocate small results without zero-filling them (see the README's "Speed"). */
    static final String RESULT_ARRAYS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
}
