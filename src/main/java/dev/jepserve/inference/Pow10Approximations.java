package dev.jepserve.inference;

import java.math.BigInteger;

/**
 * The 126-bit approximations of powers of ten that {@link ShortestDecimal} multiplies by. For each k in
 * [{@link #K_MIN}, {@link #K_MAX}], write 10<sup>-k</sup> = β·2<sup>r</sup> with 2<sup>125</sup> ≤ β &lt;
 * 2<sup>126</sup>; the table holds g = ⌊β⌋ + 1 split into its high and low 63 bits (Giulietti, "The Schubfach
 * way to render doubles", section 9). Computed exactly with BigInteger when the class loads (about a
 * millisecond) rather than spelled out as 1,234 literals.
 */
final class Pow10Approximations {
    static final int K_MIN = -324;
    static final int K_MAX = 292;

    private static final long LOW_63 = Long.MAX_VALUE;
    private static final long[] TABLE = table(); // high, low, high, low, ... from K_MIN; never written after

    private Pow10Approximations() {
    }

    /** ⌊g / 2<sup>63</sup>⌋ for 10<sup>-k</sup>. */
    static long high(int k) {
        return TABLE[(k - K_MIN) << 1];
    }

    /** g mod 2<sup>63</sup> for 10<sup>-k</sup>. */
    static long low(int k) {
        return TABLE[(k - K_MIN) << 1 | 1];
    }

    private static long[] table() {
        long[] table = new long[(K_MAX - K_MIN + 1) * 2];
        for (int k = K_MIN; k <= K_MAX; k++) {
            BigInteger g = floorBeta(k).add(BigInteger.ONE);
            table[(k - K_MIN) << 1] = g.shiftRight(63).longValueExact();
            table[(k - K_MIN) << 1 | 1] = g.longValue() & LOW_63;
        }
        return table;
    }

    /** ⌊β⌋ where 10<sup>-k</sup> = β·2<sup>r</sup>, 2<sup>125</sup> ≤ β &lt; 2<sup>126</sup>. */
    private static BigInteger floorBeta(int k) {
        if (k <= 0) {
            BigInteger power = BigInteger.TEN.pow(-k); // 2^(bits-1) <= power < 2^bits
            int shift = power.bitLength() - 126;
            return shift >= 0 ? power.shiftRight(shift) : power.shiftLeft(-shift);
        }
        BigInteger power = BigInteger.TEN.pow(k); // not a power of two, so 2^(bits-1) < power < 2^bits
        return BigInteger.ONE.shiftLeft(125 + power.bitLength()).divide(power);
    }
}
