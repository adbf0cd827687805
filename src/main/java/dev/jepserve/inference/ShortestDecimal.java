package dev.jepserve.inference;

/**
 * The decimal {@code significand · 10^exponent} that Java's Double.toString (from JDK 19 on; Jackson's fast
 * double writer) prints for a double: among the decimals that round back to it, one of the shortest — but with at
 * least two digits — and of those the closest, an even last digit breaking a tie. Computed with Raffaello
 * Giulietti's Schubfach algorithm ("The Schubfach way to render doubles", 2020): the double's rounding interval
 * is scaled by a 126-bit approximation of a power of ten so that the candidates are consecutive integers, then
 * the shortest candidate inside the interval is picked. Same results, no allocation: an instance holds the last
 * result and is reused for every element of a tensor.
 *
 * <p>The one shortest-digits routine of the server: the HTTP codec lays the digits out as Java does (JSON
 * tensor data), the config renderer as RapidJSON does (GET /config). The significand may carry trailing zeros.
 */
public final class ShortestDecimal {
    private static final int PRECISION = 53;                 // significand bits, the hidden one included
    private static final int Q_MIN = -1074;                  // the binary exponent of every subnormal
    private static final long C_MIN = 1L << (PRECISION - 1); // the smallest normal significand
    private static final long C_TINY = 3;                    // smaller subnormal significands have under 2 digits
    private static final long LOW_63 = Long.MAX_VALUE;

    private long significand;
    private int exponent;

    /** Computes the decimal of {@code |v|}; {@code v} must be finite and not zero. */
    public void of(double v) {
        long bits = Double.doubleToRawLongBits(v) & Long.MAX_VALUE;
        int biasedExponent = (int) (bits >>> (PRECISION - 1));
        long fraction = bits & (C_MIN - 1);
        if (biasedExponent == 0) {
            if (fraction < C_TINY) {
                shortest(Q_MIN, 10 * fraction, -1); // one more digit of scale, taken back from the exponent
            } else {
                shortest(Q_MIN, fraction, 0);
            }
            return;
        }
        int q = biasedExponent + Q_MIN - 1;
        long c = C_MIN | fraction;
        if (-PRECISION < q && q < 0) {
            long integer = c >> -q;
            if (integer << -q == c) { // an integer below 2^53 is its own shortest decimal
                set(integer, 0);
                return;
            }
        }
        shortest(q, c, 0);
    }

    public long significand() {
        return significand;
    }

    public int exponent() {
        return exponent;
    }

    /** v = c·2^q; {@code dk} corrects the decimal exponent when c was scaled by ten. */
    private void shortest(int q, long c, int dk) {
        // Work with 4·c so that the interval's bounds, halfway to the neighbours, are integers too.
        int excludeBounds = (int) c & 1; // round-half-even: the bounds round to v only when c is even
        long cb = c << 2;
        long cbRight = cb + 2;
        long cbLeft;
        int k;
        if (c != C_MIN || q == Q_MIN) {
            cbLeft = cb - 2;
            k = floorLog10Pow2(q);
        } else {
            cbLeft = cb - 1; // at a power of two the lower neighbour is twice as close
            k = floorLog10ThreeQuartersPow2(q);
        }
        int h = q + floorLog2Pow10(-k) + 2;
        long g1 = Pow10Approximations.high(k);
        long g0 = Pow10Approximations.low(k);
        long vb = roundToOdd(g1, g0, cb << h);       // 4·v·10^-k, and the interval's bounds, approximately
        long vbLeft = roundToOdd(g1, g0, cbLeft << h);
        long vbRight = roundToOdd(g1, g0, cbRight << h);

        long s = vb >> 2; // v·10^-k rounded down
        if (s >= 100) {
            // One digit fewer: the multiples of ten around s; if exactly one is inside, it is the answer.
            long down = 10 * (s / 10);
            long up = down + 10;
            boolean downInside = vbLeft + excludeBounds <= down << 2;
            boolean upInside = (up << 2) + excludeBounds <= vbRight;
            if (downInside != upInside) {
                set(downInside ? down : up, k);
                return;
            }
        }
        long t = s + 1;
        boolean sInside = vbLeft + excludeBounds <= s << 2;
        boolean tInside = (t << 2) + excludeBounds <= vbRight;
        if (sInside != tInside) {
            set(sInside ? s : t, k + dk);
            return;
        }
        long distance = vb - ((s + t) << 1); // both inside: the closer one, the even one on a tie
        set(distance < 0 || distance == 0 && (s & 1) == 0 ? s : t, k + dk);
    }

    private void set(long significand, int exponent) {
        this.significand = significand;
        this.exponent = exponent;
    }

    /**
     * ⌊g·cp / 2<sup>127</sup>⌋ with its lowest bit set when the division is inexact ("round to odd"), where
     * g = g1·2<sup>63</sup> + g0; all operands are below 2<sup>63</sup>, so the signed high products are exact.
     */
    private static long roundToOdd(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long quotient = y1 + (z >>> 63);
        long inexact = ((z & LOW_63) + LOW_63) >>> 63;
        return quotient | inexact;
    }

    /** ⌊log10(2^e)⌋, exact for |e| ≤ 5,456,721 (the constant is ⌊log10(2)·2^41⌋). */
    static int floorLog10Pow2(int e) {
        return (int) (e * 661_971_961_083L >> 41);
    }

    /** ⌊log10(3/4·2^e)⌋, exact for -2,956,395 ≤ e ≤ 2,500,325 (adds ⌊log10(3/4)·2^41⌋). */
    static int floorLog10ThreeQuartersPow2(int e) {
        return (int) (e * 661_971_961_083L - 274_743_187_321L >> 41);
    }

    /** ⌊log2(10^e)⌋, exact for |e| ≤ 1,838,394 (the constant is ⌊log2(10)·2^38⌋). */
    static int floorLog2Pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }
}
