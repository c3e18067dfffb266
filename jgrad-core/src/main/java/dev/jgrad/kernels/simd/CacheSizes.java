package dev.jgrad.kernels.simd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The size of one core's L2 cache, read once from Linux's sysfs
 * ({@code /sys/devices/system/cpu/cpu0/cache/index*}); 0 where it cannot be read (another OS, a
 * sandbox without /sys), in which case callers keep the block sizes that suit the smallest L2
 * measured (512 KiB).
 */
final class CacheSizes {
    static final long L2_BYTES = readL2();

    private CacheSizes() {
    }

    private static long readL2() {
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
