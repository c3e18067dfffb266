package dev.jgrad.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link MatmulBench} with two threads on both sides. */
@Fork(value = 2, jvmArgsAppend = {BenchDefaults.ADD_MODULES, BenchDefaults.VECTOR_MODULE, BenchDefaults.DJL_OFFLINE,
        BenchDefaults.HEAP, BenchDefaults.HEAP_MIN, BenchDefaults.PRE_TOUCH,
        BenchDefaults.RESULT_ARRAYS, "-Djgrad.threads=2"})
public class Matmul2ThreadsBench extends MatmulBench {
}
