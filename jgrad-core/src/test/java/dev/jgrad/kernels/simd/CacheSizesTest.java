package dev.jgrad.kernels.simd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sysfs's cache sizes ("1024K", "2M", bytes) and what is not one ({@link CacheSizes#parseSize}). */
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
}
