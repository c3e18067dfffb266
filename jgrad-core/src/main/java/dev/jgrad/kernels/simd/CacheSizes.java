package dev.jgrad.kernels.simd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The size of one core's L2 cache, read once from Linux's sysfs
 * ({@code /sys/devices/system/cpu/cpu0/cache/index*}); where sysfs has no cache directory (some
 * virtual machines: the Firecracker guests of 2026-11-29 have none), from {@code /proc/cpuinfo}'s
 * "cache size" on AMD and Hygon processors, where Linux fills it with the L2 size per core (CPUID
 * leaf 0x80000006; on Intel it is the last-level cache, so it is not used there). 0 where neither
 * gives it (another OS, a sandbox without /sys or /proc), in which case callers keep the block
 * sizes that suit the smallest L2 measured (512 KiB).
 */
final class CacheSizes {
    static final long L2_BYTES = readL2();

    private CacheSizes() {
    }

    private static long readL2() {
        long sysfs = readSysfs();
        if (sysfs > 0) {
            return sysfs;
        }
        try {
            return l2FromCpuinfo(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long readSysfs() {
        try {
            for (int i = 0; i < 8; i++) {
                Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + i);
                if (!Files.isDirectory(dir)) {
                    break;
                }
                if (Files.readString(dir.resolve("level")).trim().equals("2")) {
                    return parseSize(Files.readString(dir.resolve("size")).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable (no /sys, a security manager, an unexpected format): treated as unknown.
        }
        return 0;
    }

    /**
     * The L2 size per core from the text of {@code /proc/cpuinfo}: its first "cache size" (e.g.
     * "1024 KB") when its first "vendor_id" is AuthenticAMD or HygonGenuine, else 0.
     */
    static long l2FromCpuinfo(String cpuinfo) {
        String vendor = null;
        String size = null;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (vendor == null && key.equals("vendor_id")) {
                vendor = value;
            } else if (size == null && key.equals("cache size")) {
                size = value;
            }
        }
        if (size == null || !("AuthenticAMD".equals(vendor) || "HygonGenuine".equals(vendor))) {
            return 0;
        }
        String[] parts = size.split("\\s+");
        if (parts.length != 2 || !parts[1].equalsIgnoreCase("KB")) {
            return 0;
        }
        return parseSize(parts[0] + "K");
    }

    /** sysfs's notation: "1024K", "2M", or plain bytes; 0 when it is none of these (or negative). */
    static long parseSize(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long scale = unit == 'K' ? 1L << 10 : unit == 'M' ? 1L << 20 : unit == 'G' ? 1L << 30 : 1;
        String digits = scale == 1 ? s : s.substring(0, s.length() - 1);
        try {
            return Math.max(0, Math.multiplyExact(Long.parseLong(digits), scale));
        } catch (NumberFormatException | ArithmeticException e) {
            return 0;
        }
    }
}
