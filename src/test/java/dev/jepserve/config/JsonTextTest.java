package dev.jepserve.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest {
    @Test
    void integralFloatsStayIntegers() {
        assertThat(JsonText.floatNumber(0f)).isEqualTo("0");
        assertThat(JsonText.floatNumber(1f)).isEqualTo("1");
        assertThat(JsonText.floatNumber(-3f)).isEqualTo("-3");
        assertThat(JsonText.floatNumber(123456f)).isEqualTo("123456");
    }

    @Test
    void fractionalFloatsUseTheShortestDecimal() {
        assertThat(JsonText.floatNumber(0.5f)).isEqualTo("0.5");
        assertThat(JsonText.floatNumber(0.1f)).isEqualTo("0.1");
        // 6 digits do not read back, so protobuf prints 9 (its SimpleFtoa)
        assertThat(JsonText.floatNumber(0.3333333f)).isEqualTo("0.333333313");
    }

    @Test
    void exponentFormsBecomeRapidJsonDoubles() {
        // protobuf prints 1e+06, RapidJSON reads a double and writes it in full with ".0"
        assertThat(JsonText.floatNumber(1_000_000f)).isEqualTo("1000000.0");
        assertThat(JsonText.doubleNumber(1e-7)).isEqualTo("1e-7");
        assertThat(JsonText.doubleNumber(1.5e-7)).isEqualTo("1.5e-7");
        assertThat(JsonText.doubleNumber(0.0001)).isEqualTo("0.0001");
        assertThat(JsonText.doubleNumber(1e30)).isEqualTo("1e30");
    }

    @Test
    void doublesAndNonFiniteValues() {
        assertThat(JsonText.doubleNumber(2.5)).isEqualTo("2.5");
        assertThat(JsonText.doubleNumber(5.0)).isEqualTo("5");
        assertThat(JsonText.doubleNumber(-5.0)).isEqualTo("-5");
        assertThat(JsonText.doubleNumber(Double.NaN)).isEqualTo("\"NaN\"");
        assertThat(JsonText.floatNumber(Float.NEGATIVE_INFINITY)).isEqualTo("\"-Infinity\"");
    }

    @Test
    void rapidJsonDigitsAreTheShortestEvenWhereJava17DoubleToStringIsNot() {
        // JDK 17 prints 2^-44 as 5.6843418860808015E-14 (one digit too many); RapidJSON writes the shortest.
        assertThat(JsonText.rapidJsonDouble(Math.scalb(1.0, -44))).isEqualTo("5.684341886080802e-14");
        assertThat(JsonText.rapidJsonDouble(-0.1)).isEqualTo("-0.1");
        assertThat(JsonText.rapidJsonDouble(1e21)).isEqualTo("1e21");
    }
}
