package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.io.NumberOutput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** DoubleText must print exactly what Jackson's fast double writer (the former JSON output path) prints. */
class DoubleTextTest {
    private final DoubleText text = new DoubleText();
    private final byte[] out = new byte[64];

    private String write(double v) {
        out[2 + DoubleText.MAX_LENGTH] = '#';
        int end = text.put(v, out, 2);
        assertThat(end - 2).isLessThanOrEqualTo(DoubleText.MAX_LENGTH);
        assertThat(out[2 + DoubleText.MAX_LENGTH]).as("nothing written past the text").isEqualTo((byte) '#');
        return new String(out, 2, end - 2, StandardCharsets.US_ASCII);
    }

    private void assertSameAsJackson(double v) {
        assertThat(write(v)).as("bits %x", Double.doubleToRawLongBits(v)).isEqualTo(NumberOutput.toString(v, true));
    }

    @Test
    void layoutAndSpecialValues() {
        assertThat(write(1.0)).isEqualTo("1.0");
        assertThat(write(-0.0)).isEqualTo("-0.0");
        assertThat(write(0.0)).isEqualTo("0.0");
        assertThat(write(100.0)).isEqualTo("100.0");
        assertThat(write(0.001)).isEqualTo("0.001");
        assertThat(write(1.0E-4)).isEqualTo("1.0E-4");
        assertThat(write(9999999.0)).isEqualTo("9999999.0");
        assertThat(write(1.0E7)).isEqualTo("1.0E7");
        assertThat(write(123.456)).isEqualTo("123.456");
        assertThat(write((double) 0.1f)).isEqualTo("0.10000000149011612");
        assertThat(write((double) -2.5e-7f)).isEqualTo("-2.499999993688107E-7");
        assertThat(write(Double.NaN)).isEqualTo("NaN");
        assertThat(write(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(write(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(write(-Double.MIN_NORMAL)).isEqualTo("-2.2250738585072014E-308");
    }

    @Test
    void shortestWithAtLeastTwoDigitsLikeJackson() {
        double[] edges = {Double.MIN_VALUE, 2 * Double.MIN_VALUE, 3 * Double.MIN_VALUE, Double.MIN_NORMAL,
                Math.nextDown(Double.MIN_NORMAL), Double.MAX_VALUE, 1e23, 2e23, 9007199254740991.0, 9007199254740992.0,
                4503599627370496.5, 1e15, 1e16, 1e17, 1e22, 2.0 / 3, 5e-324, Float.MAX_VALUE, Float.MIN_VALUE,
                Float.MIN_NORMAL};
        for (double v : edges) {
            assertSameAsJackson(v);
            assertSameAsJackson(-v);
        }
        for (int p = -1075; p <= 1024; p++) { // every binade, including the irregular spacing at powers of two
            double power = Math.scalb(1.0, p);
            assertSameAsJackson(power);
            assertSameAsJackson(Math.nextUp(power));
            assertSameAsJackson(Math.nextDown(power));
        }
        for (int e = -324; e <= 308; e++) {
            double power = Double.parseDouble("1e" + e);
            assertSameAsJackson(power);
            assertSameAsJackson(Math.nextUp(power));
            assertSameAsJackson(Math.nextDown(power));
        }
    }

    @Test
    void randomDoublesAndWidenedFloatsLikeJackson() {
        SplittableRandom random = new SplittableRandom(20240611);
        for (int i = 0; i < 200_000; i++) {
            assertSameAsJackson(Double.longBitsToDouble(random.nextLong()));
            assertSameAsJackson(Float.intBitsToFloat(random.nextInt()));
            assertSameAsJackson(random.nextDouble() * 2 - 1);
            assertSameAsJackson((float) (random.nextInt(2_000_000) / 1000.0));
        }
    }
}
