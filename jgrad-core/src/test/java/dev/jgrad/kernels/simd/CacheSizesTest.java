package dev.jgrad.kernels.simd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sysfs's cache sizes ("1024K", "2M", bytes) and what is not one ({@link CacheSizes#parseSize}); the
 * L2 size from /proc/cpuinfo where sysfs has none ({@link CacheSizes#l2FromCpuinfo}).
 */
class CacheSizesTest {
    @Test
    void readsSysfsNotation() {
        assertEquals(1L << 20, CacheSizes.parseSize("1024K"));
        assertEquals(512L << 10, CacheSizes.parseSize("512k"));
        assertEquals(2L << 20, CacheSizes.parseSize("2M"));
        assertEquals(1L << 30, CacheSizes.parseSize("1G"));
        assertEquals(65536, CacheSizes.parseSize("65536"));
    }

    @Test
    void anythingElseIsUnknown() {
        assertEquals(0, CacheSizes.parseSize(""));
        assertEquals(0, CacheSizes.parseSize("K"));
        assertEquals(0, CacheSizes.parseSize("lots"));
        assertEquals(0, CacheSizes.parseSize("12.5M"));
        assertEquals(0, CacheSizes.parseSize("-512K"));
        assertEquals(0, CacheSizes.parseSize("99999999999999999999K"));
        assertEquals(0, CacheSizes.parseSize("9223372036854775807K"));
    }

    @Test
    void theMachinesSizeIsUnknownOrPlausible() {
        long l2 = CacheSizes.L2_BYTES;
        assertTrue(l2 == 0 || (l2 >= 64 << 10 && l2 <= 1L << 30), "L2 " + l2);
    }

    private static final String AMD = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 26
            model name\t: AMD EPYC
            cache size\t: 1024 KB
            flags\t\t: fpu vme avx512f

            processor\t: 1
            vendor_id\t: AuthenticAMD
            cache size\t: 2048 KB
            """;

    @Test
    void cpuinfoGivesTheL2OfAmdAndHygonCores() {
        assertEquals(1L << 20, CacheSizes.l2FromCpuinfo(AMD));
        assertEquals(512L << 10, CacheSizes.l2FromCpuinfo("vendor_id : HygonGenuine\ncache size : 512 KB\n"));
    }

    @Test
    void cpuinfoIsNotUsedForOtherVendorsOrOddSizes() {
        // Intel's "cache size" is the last-level cache, not the L2.
        assertEquals(0, CacheSizes.l2FromCpuinfo(AMD.replace("AuthenticAMD", "GenuineIntel")));
        assertEquals(0, CacheSizes.l2FromCpuinfo("cache size\t: 1024 KB\n"));
        assertEquals(0, CacheSizes.l2FromCpuinfo("vendor_id\t: AuthenticAMD\n"));
        assertEquals(0, CacheSizes.l2FromCpuinfo("vendor_id\t: AuthenticAMD\ncache size\t: 1 MB\n"));
        assertEquals(0, CacheSizes.l2FromCpuinfo("vendor_id\t: AuthenticAMD\ncache size\t: lots\n"));
        assertEquals(0, CacheSizes.l2FromCpuinfo(""));
    }
}
