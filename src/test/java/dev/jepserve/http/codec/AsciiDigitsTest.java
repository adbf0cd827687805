package dev.jepserve.http.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class AsciiDigitsTest {
    private final byte[] out = new byte[40];

    private String signed(long v) {
        return text(AsciiDigits.putLong(v, out, 3));
    }

    private String unsigned(long v) {
        return text(AsciiDigits.putUnsignedLong(v, out, 3));
    }

    private String text(int end) {
        return new String(out, 3, end - 3, StandardCharsets.US_ASCII);
    }

    private static List<Long> interesting() {
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, 99L, 100L, Long.MAX_VALUE, Long.MIN_VALUE,
                (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE));
        for (long power = 1, k = 0; k < 19; k++, power *= 10) {
            for (long v : new long[] {power - 1, power, power + 1}) {
                values.add(v);
                values.add(-v);
            }
        }
        for (int bit = 0; bit < 64; bit++) {
            values.add(1L << bit);
            values.add((1L << bit) - 1);
        }
        return values;
    }

    @Test
    void signedAndUnsignedLikeTheJdk() {
        for (long v : interesting()) {
            assertThat(signed(v)).isEqualTo(Long.toString(v));
            assertThat(unsigned(v)).isEqualTo(Long.toUnsignedString(v));
        }
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            assertThat(signed(v)).isEqualTo(Long.toString(v));
            assertThat(unsigned(v)).isEqualTo(Long.toUnsignedString(v));
        }
    }

    @Test
    void digitCount() {
        for (long v : interesting()) {
            if (v >= 0) {
                assertThat(AsciiDigits.count(v)).as("%d", v).isEqualTo(Long.toString(v).length());
            }
        }
    }

    @Test
    void fixedWidthKeepsLeadingZerosAndWritesNothingMore() {
        out[3 + 12] = '#';
        assertThat(text(AsciiDigits.putDigits(42, 12, out, 3))).isEqualTo("000000000042");
        assertThat(out[3 + 12]).isEqualTo((byte) '#');
        assertThat(text(AsciiDigits.putDigits(7, 8, out, 3))).isEqualTo("00000007");
    }

    @Test
    void eightDigitsAtOnce() {
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 100_000; i++) {
            int v = i < 1000 ? i * 99_999 : random.nextInt(100_000_000);
            long ascii = AsciiDigits.eightDigits(v);
            StringBuilder digits = new StringBuilder();
            for (int b = 0; b < 8; b++) {
                digits.append((char) (ascii >>> 8 * b & 0xff));
            }
            assertThat(digits.toString()).isEqualTo(String.format("%08d", v));
        }
    }
}
