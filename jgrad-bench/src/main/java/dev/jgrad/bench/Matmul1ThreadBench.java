package dev.jgrad.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link MatmulBench} with one thread on both sides. */
@Fork(value = 2, jvmArgsAppend = {BenchDefaults.ADD_MODULES, BenchDefaults.VECTOR_MODULE, BenchDefaults.DJL_OFFLINE,
        BenchDefaults.HEAP, BenchDefaults.HEAP_MIN, BenchDefaults.PRE_TOUCH,
        BenchDefaults.RESULT_ARRAYS, "-Djgrad.threads=1"})
public class Matmul1ThreadBench extends MatmulBench {
}
