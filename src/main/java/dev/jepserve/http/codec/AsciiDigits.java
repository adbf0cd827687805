package dev.jepserve.http.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Decimal integers written as ASCII into a byte array, eight digits at a time where there are eight. Every
 * method returns the index just past what it wrote and writes nothing beyond it.
 */
final class AsciiDigits {
    private static final byte[] TENS = new byte[100];
    private static final byte[] ONES = new byte[100];
    private static final long[] POWERS = new long[19]; // 10^0 .. 10^18
    private static final long EIGHT_DIGITS = 100_000_000L;
    private static final VarHandle LITTLE_ENDIAN_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < 100; i++) {
            TENS[i] = (byte) ('0' + i / 10);
            ONES[i] = (byte) ('0' + i % 10);
        }
        long power = 1;
        for (int i = 0; i < POWERS.length; i++) {
            POWERS[i] = power;
            power *= 10;
        }
    }

    private AsciiDigits() {
    }

    /** A signed value, with a minus sign when negative. */
    static int putLong(long value, byte[] out, int at) {
        if (value >= 0) {
            return putDigits(value, count(value), out, at);
        }
        out[at] = '-';
        return putUnsignedLong(-value, out, at + 1); // -Long.MIN_VALUE is 2^63 read unsigned
    }

    /** The value read as an unsigned 64-bit integer. */
    static int putUnsignedLong(long value, byte[] out, int at) {
        if (value >= 0) {
            return putDigits(value, count(value), out, at);
        }
        long tens = (value >>> 1) / 5; // value / 10, unsigned
        int end = putDigits(tens, count(tens), out, at);
        out[end] = (byte) ('0' + (value - tens * 10));
        return end + 1;
    }

    /** Number of decimal digits of a non-negative value (1 for 0). */
    static int count(long value) {
        // ⌊log2⌋·1233/4096 is ⌊log10⌋ or one less (1233/4096 is just below log10(2)); one comparison decides.
        int digits = ((63 - Long.numberOfLeadingZeros(value | 1)) * 1233 >>> 12) + 1;
        return digits < POWERS.length && value >= POWERS[digits] ? digits + 1 : digits;
    }

    /**
     * Exactly {@code digits} digits of a non-negative value, with leading zeros if it has fewer (it must not
     * have more; at most 19 digits).
     */
    static int putDigits(long value, int digits, byte[] out, int at) {
        if (digits <= 8) {
            return putLeading((int) value, digits, out, at);
        }
        long high = value / EIGHT_DIGITS;
        int i = putDigits(high, digits - 8, out, at);
        LITTLE_ENDIAN_LONGS.set(out, i, eightDigits((int) (value - high * EIGHT_DIGITS)));
        return i + 8;
    }

    /** Exactly {@code count} (1 to 8) digits of {@code value} < 10^count, leading zeros included. */
    private static int putLeading(int value, int count, byte[] out, int at) {
        if (count == 8) {
            LITTLE_ENDIAN_LONGS.set(out, at, eightDigits(value));
            return at + 8;
        }
        int i = at + count;
        while (i - at >= 2) {
            int high = value / 100;
            int pair = value - high * 100;
            out[--i] = ONES[pair];
            out[--i] = TENS[pair];
            value = high;
        }
        if (i > at) {
            out[--i] = (byte) ('0' + value);
        }
        return at + count;
    }

    /**
     * The eight digits of {@code value} < 10^8 (leading zeros included) as ASCII, the first digit in the lowest
     * byte: the value is split into lanes of one long — two of four digits, four of two, eight of one — with
     * multiplications by reciprocals that cannot carry from one lane into the next.
     */
    static long eightDigits(int value) {
        int high = value / 10_000;
        long lanes = high | (long) (value - high * 10_000) << 32;
        long hundreds = (lanes * 10_486 >>> 20) & 0x0000_007F_0000_007FL; // each lane / 100
        lanes = hundreds | (lanes - hundreds * 100) << 16;
        long tens = (lanes * 103 >>> 10) & 0x000F_000F_000F_000FL; // each lane / 10
        lanes = tens | (lanes - tens * 10) << 8;
        return lanes + 0x3030_3030_3030_3030L;
    }
}
