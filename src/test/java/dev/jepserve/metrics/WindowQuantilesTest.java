package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowQuantilesTest {

    @Test
    void quantilesOfTheSamplesCountAndSumCumulative() {
        WindowQuantiles series = new WindowQuantiles(60_000_000_000L, 5);
        for (int i = 1; i <= 1000; i++) {
            series.observe(i);
        }
        assertThat(series.quantiles(new double[] {0.5, 0.9, 0.99, 0.999, 1.0})).containsExactly(500, 900, 990, 999,
                1000);
        assertThat(series.count()).isEqualTo(1000);
        assertThat(series.sum()).isEqualTo(500500.0);
    }

    @Test
    void aBucketKeepsABoundedUniformSample() {
        WindowQuantiles series = new WindowQuantiles(60_000_000_000L, 5);
        for (int i = 0; i < 100_000; i++) {
            series.observe(i % 100);
        }
        double median = series.quantiles(new double[] {0.5})[0];
        assertThat(median).isBetween(45.0, 55.0);
        assertThat(series.count()).isEqualTo(100_000);
    }

    @Test
    void oldSamplesLeaveTheWindow() throws InterruptedException {
        WindowQuantiles series = new WindowQuantiles(50_000_000L, 5); // 50 ms window
        series.observe(7);
        assertThat(series.quantiles(new double[] {0.5})).containsExactly(7.0);
        Thread.sleep(120);
        assertThat(series.quantiles(new double[] {0.5})[0]).isNaN();
        assertThat(series.count()).isEqualTo(1);
    }
}
