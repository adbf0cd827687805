package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromNumberFormatTest {

    /** Expected texts are what C's printf("%.16g") prints (checked against Python's '%.16g' % v). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "0.0 | 0",
        "-0.0 | -0",
        "2023.0 | 2023",
        "-17 | -17",
        "7.55 | 7.55",
        "0.1 | 0.1",
        "2.5 | 2.5",
        "100 | 100",
        "1e16 | 1e+16",
        "1e15 | 1000000000000000",
        "999999999999999 | 999999999999999",
        "9007199254740993 | 9007199254740992",
        "9999999999999999 | 1e+16",
        "1.5e20 | 1.5e+20",
        "1e100 | 1e+100",
        "1e-5 | 1e-05",
        "-1e-7 | -1e-07",
        "0.0001 | 0.0001",
        "0.00012345 | 0.00012345",
        "0.3333333333333333 | 0.3333333333333333",
        "123456789.123 | 123456789.123",
        "99999999999999.98 | 99999999999999.98",
        "1234567890123456789 | 1.234567890123457e+18",
        "4.9e-324 | 4.940656458412465e-324",
        "1.7976931348623157e308 | 1.797693134862316e+308",
    })
    void formatsLikeCPercentPoint16g(double value, String expected) {
        assertThat(PromNumberFormat.format(value)).isEqualTo(expected);
    }

    @Test
    void specialValuesUsePrometheusCppSpellings() {
        assertThat(PromNumberFormat.format(Double.NaN)).isEqualTo("Nan");
        assertThat(PromNumberFormat.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PromNumberFormat.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    }

    @Test
    void sumOfTheHistogramExampleIsSevenPointFiftyFive() {
        assertThat(PromNumberFormat.format(0.05 + 1.5 + 6.0)).isEqualTo("7.55");
    }
}
