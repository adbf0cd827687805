package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import org.junit.jupiter.api.Test;

class TritonTextFormatTest {
    private static final int COUNTER = 0;
    private static final int GAUGE = 1;
    private static final int HISTOGRAM = 2;
    private static final String[] NONE = new String[0];

    private final MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
    private final CustomMetrics custom = registry.customMetrics();

    @Test
    void emptyRegistryPrintsNothing() {
        assertThat(registry.scrape()).isEmpty();
    }

    @Test
    void counterIsPrintedUnderItsOwnNameWithSortedLabels() {
        CustomSeries series = custom.family("requests_process_latency_ns", "Cumulative time spent processing requests",
                COUNTER).series(new String[] {"version", "model"}, new String[] {"1", "custom_metrics"}, null, "i0");
        series.increment(223406);

        assertThat(registry.scrape()).isEqualTo("""
                # HELP requests_process_latency_ns Cumulative time spent processing requests
                # TYPE requests_process_latency_ns counter
                requests_process_latency_ns{model="custom_metrics",version="1"} 223406
                """);
    }

    @Test
    void counterNamedWithTotalSuffixKeepsIt() {
        custom.family("jobs_total", "jobs", COUNTER).series(NONE, NONE, null, "i0").increment(2);

        assertThat(registry.scrape()).isEqualTo("""
                # HELP jobs_total jobs
                # TYPE jobs_total counter
                jobs_total 2
                """);
    }

    @Test
    void counterNamesThatLookLikeSimpleclientSuffixesArePrintedAsGiven() {
        custom.family("jobs_created", "", COUNTER).series(NONE, NONE, null, "i0").increment(1);
        custom.family("jobs_total_total", "", COUNTER).series(NONE, NONE, null, "i0").increment(2);

        assertThat(registry.scrape()).isEqualTo("""
                # TYPE jobs_created counter
                jobs_created 1
                # TYPE jobs_total_total counter
                jobs_total_total 2
                """);
    }

    @Test
    void gaugeWithoutLabelsOmitsBraces() {
        custom.family("temperature", "degrees", GAUGE).series(null, null, null, "i0").set(-2.5);

        assertThat(registry.scrape()).isEqualTo("""
                # HELP temperature degrees
                # TYPE temperature gauge
                temperature -2.5
                """);
    }

    @Test
    void emptyDescriptionOmitsHelpLine() {
        custom.family("quiet", "", GAUGE).series(NONE, NONE, null, "i0");

        assertThat(registry.scrape()).isEqualTo("""
                # TYPE quiet gauge
                quiet 0
                """);
    }

    @Test
    void histogramExampleFromTheSpec() {
        CustomSeries series = custom.family("test_histogram_e2e", "test metric histogram kind end to end", HISTOGRAM)
                .series(new String[] {"example1", "example2"}, new String[] {"histogram_label1", "histogram_label2"},
                        new double[] {0.1, 1.0, 2.5, 5.0, 10.0}, "i0");
        series.observe(0.05);
        series.observe(1.5);
        series.observe(6.0);

        String labels = "example1=\"histogram_label1\",example2=\"histogram_label2\"";
        assertThat(registry.scrape()).isEqualTo(String.join("\n",
                "# HELP test_histogram_e2e test metric histogram kind end to end",
                "# TYPE test_histogram_e2e histogram",
                "test_histogram_e2e_count{" + labels + "} 3",
                "test_histogram_e2e_sum{" + labels + "} 7.55",
                "test_histogram_e2e_bucket{" + labels + ",le=\"0.1\"} 1",
                "test_histogram_e2e_bucket{" + labels + ",le=\"1\"} 1",
                "test_histogram_e2e_bucket{" + labels + ",le=\"2.5\"} 2",
                "test_histogram_e2e_bucket{" + labels + ",le=\"5\"} 2",
                "test_histogram_e2e_bucket{" + labels + ",le=\"10\"} 3",
                "test_histogram_e2e_bucket{" + labels + ",le=\"+Inf\"} 3",
                ""));
    }

    @Test
    void histogramBeforeObservationsAndWithoutLabels() {
        custom.family("h", "", HISTOGRAM).series(NONE, NONE, new double[] {1}, "i0");

        assertThat(registry.scrape()).isEqualTo("""
                # TYPE h histogram
                h_count 0
                h_sum 0
                h_bucket{le="1"} 0
                h_bucket{le="+Inf"} 0
                """);
    }

    @Test
    void histogramWithNoBucketsHasOnlyTheInfBucket() {
        custom.family("h", "", HISTOGRAM).series(NONE, NONE, new double[0], "i0").observe(4);

        assertThat(registry.scrape()).isEqualTo("""
                # TYPE h histogram
                h_count 1
                h_sum 4
                h_bucket{le="+Inf"} 1
                """);
    }

    @Test
    void observationOnABoundGoesIntoThatBucket() {
        CustomSeries series = custom.family("h", "", HISTOGRAM).series(NONE, NONE, new double[] {1, 2}, "i0");
        series.observe(1);
        series.observe(2);

        assertThat(registry.scrape()).contains("h_bucket{le=\"1\"} 1\n", "h_bucket{le=\"2\"} 2\n",
                "h_bucket{le=\"+Inf\"} 2\n");
    }

    @Test
    void labelValuesAreEscaped() {
        custom.family("g", "", GAUGE).series(new String[] {"path"}, new String[] {"C:\\dir \"x\"\nnext"}, null, "i0");

        assertThat(registry.scrape()).contains("g{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 0\n");
    }

    @Test
    void helpTextIsPrintedAsGivenExceptBackslashAndNewline() {
        custom.family("g", "rate [0.0 - 1.0) \"quoted\" a\\b\nc", GAUGE).series(NONE, NONE, null, "i0");

        assertThat(registry.scrape()).startsWith("# HELP g rate [0.0 - 1.0) \"quoted\" a\\\\b\\nc\n");
    }

    @Test
    void specialValuesAreSpelledLikePrometheusCpp() {
        CustomFamily family = custom.family("g", "", GAUGE);
        family.series(new String[] {"v"}, new String[] {"nan"}, null, "i0").set(Double.NaN);
        family.series(new String[] {"v"}, new String[] {"pinf"}, null, "i0").set(Double.POSITIVE_INFINITY);
        family.series(new String[] {"v"}, new String[] {"ninf"}, null, "i0").set(Double.NEGATIVE_INFINITY);
        family.series(new String[] {"v"}, new String[] {"big"}, null, "i0").set(1e16);

        assertThat(registry.scrape()).contains("g{v=\"nan\"} Nan\n", "g{v=\"pinf\"} +Inf\n", "g{v=\"ninf\"} -Inf\n",
                "g{v=\"big\"} 1e+16\n");
    }

    @Test
    void familiesAreOrderedCountersGaugesHistogramsEachInRegistrationOrder() {
        custom.family("h_first", "", HISTOGRAM).series(NONE, NONE, new double[0], "i0");
        custom.family("g_second", "", GAUGE).series(NONE, NONE, null, "i0");
        custom.family("c_third", "", COUNTER).series(NONE, NONE, null, "i0");
        custom.family("g_fourth", "", GAUGE).series(NONE, NONE, null, "i0");
        custom.family("a_fifth", "", COUNTER).series(NONE, NONE, null, "i0");

        assertThat(typeLines(registry.scrape())).containsExactly(
                "# TYPE c_third counter",
                "# TYPE a_fifth counter",
                "# TYPE g_second gauge",
                "# TYPE g_fourth gauge",
                "# TYPE h_first histogram");
    }

    @Test
    void seriesKeepCreationOrderWithinAFamily() {
        CustomFamily family = custom.family("g", "", GAUGE);
        family.series(new String[] {"k"}, new String[] {"b"}, null, "i0");
        family.series(new String[] {"k"}, new String[] {"a"}, null, "i0");

        assertThat(registry.scrape()).isEqualTo("""
                # TYPE g gauge
                g{k="b"} 0
                g{k="a"} 0
                """);
    }

    @Test
    void foreignSimpleclientCollectorsFollowTheSameRules() {
        Counter.build("foreign_jobs", "jobs done").labelNames("z", "a").register(registry.collectorRegistry())
                .labels("1", "2").inc(3);
        Gauge.build("foreign_level", "level").register(registry.collectorRegistry()).set(0.5);
        Histogram.build("foreign_seconds", "latency").buckets(1.0, 2.5).register(registry.collectorRegistry())
                .observe(2.0);
        custom.family("own_counter", "", COUNTER).series(NONE, NONE, null, "i0");

        assertThat(registry.scrape()).isEqualTo("""
                # TYPE own_counter counter
                own_counter 0
                # HELP foreign_jobs jobs done
                # TYPE foreign_jobs counter
                foreign_jobs{a="2",z="1"} 3
                # HELP foreign_level level
                # TYPE foreign_level gauge
                foreign_level 0.5
                # HELP foreign_seconds latency
                # TYPE foreign_seconds histogram
                foreign_seconds_count 1
                foreign_seconds_sum 2
                foreign_seconds_bucket{le="1"} 0
                foreign_seconds_bucket{le="2.5"} 1
                foreign_seconds_bucket{le="+Inf"} 1
                """);
    }

    static java.util.List<String> typeLines(String scrape) {
        return scrape.lines().filter(line -> line.startsWith("# TYPE")).toList();
    }
}
