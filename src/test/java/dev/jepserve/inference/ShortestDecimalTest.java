package dev.jepserve.inference;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The arithmetic under ShortestDecimal; its digits are checked against Jackson by DoubleTextTest (http.codec). */
class ShortestDecimalTest {
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
