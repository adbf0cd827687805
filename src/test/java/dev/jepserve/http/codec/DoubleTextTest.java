package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.io.NumberOutput;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
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

    @Test
    void logarithmApproximationsAreExactOverTheRangeUsed() {
        for (int e = -1100; e <= 1100; e++) {
            assertThat(ShortestDecimal.floorLog10Pow2(e)).as("floor(log10(2^%d))", e)
                    .isEqualTo(floorLog10(BigInteger.ONE, BigInteger.ONE, e));
            assertThat(ShortestDecimal.floorLog10ThreeQuartersPow2(e)).as("floor(log10(3/4 2^%d))", e)
                    .isEqualTo(floorLog10(BigInteger.valueOf(3), BigInteger.valueOf(4), e));
        }
        for (int e = -350; e <= 350; e++) {
            BigInteger power = BigInteger.TEN.pow(Math.abs(e));
            int floorLog2 = e >= 0 ? power.bitLength() - 1 : -power.bitLength();
            assertThat(ShortestDecimal.floorLog2Pow10(e)).as("floor(log2(10^%d))", e).isEqualTo(floorLog2);
        }
    }

    @Test
    void powerOfTenTableStartsWithThePublishedEntry() {
        // Giulietti's table for k = -324 (g = floor(10^324 / 2^r) + 1, 2^125 <= g < 2^126).
        assertThat(Pow10Approximations.high(-324)).isEqualTo(0x4F0C_EDC9_5A71_8DD4L);
        assertThat(Pow10Approximations.low(-324)).isEqualTo(0x5B01_E8B0_9AA0_D1B5L);
        assertThat(Pow10Approximations.high(0)).isEqualTo(1L << 62);
        assertThat(Pow10Approximations.low(0)).isEqualTo(1);
    }

    /** The k with 10^k <= (num/den)·2^e < 10^(k+1), exactly: a floating-point estimate, then corrected. */
    private static int floorLog10(BigInteger num, BigInteger den, int e) {
        BigInteger n = e >= 0 ? num.shiftLeft(e) : num;
        BigInteger d = e >= 0 ? den : den.shiftLeft(-e);
        int k = (int) Math.floor(Math.log10(num.doubleValue() / den.doubleValue()) + e * Math.log10(2));
        while (compareToPow10(n, d, k) < 0) {
            k--;
        }
        while (compareToPow10(n, d, k + 1) >= 0) {
            k++;
        }
        return k;
    }

    /** Compares n/d with 10^k. */
    private static int compareToPow10(BigInteger n, BigInteger d, int k) {
        return k >= 0 ? n.compareTo(d.multiply(BigInteger.TEN.pow(k))) : n.multiply(BigInteger.TEN.pow(-k)).compareTo(d);
    }
}
