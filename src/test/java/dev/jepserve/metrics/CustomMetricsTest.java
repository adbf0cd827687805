package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CustomMetricsTest {
    private static final int COUNTER = 0;
    private static final int GAUGE = 1;
    private static final int HISTOGRAM = 2;
    private static final String[] NONE = new String[0];

    private final MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
    private final CustomMetrics custom = registry.customMetrics();

    @ParameterizedTest
    @ValueSource(strings = {"", "1abc", "__reserved", "has-dash", "has space", "ünicode"})
    void invalidFamilyNamesAreRejected(String name) {
        assertThatThrownBy(() -> custom.family(name, "d", COUNTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Invalid metric name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "_a", ":a", "a:b_c9", "A_Z"})
    void validFamilyNamesAreAccepted(String name) {
        assertThat(custom.family(name, "d", COUNTER).name()).isEqualTo(name);
    }

    @Test
    void unknownKindIsRejected() {
        assertThatThrownBy(() -> custom.family("x", "d", 7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameNameAndKindIsTheSameFamilyAndTheFirstDescriptionWins() {
        CustomFamily first = custom.family("test_dup", "first description", COUNTER);
        CustomFamily second = custom.family("test_dup", "second description", COUNTER);
        second.series(NONE, NONE, null, "i0");

        assertThat(second).isSameAs(first);
        assertThat(registry.scrape()).contains("# HELP test_dup first description\n")
                .doesNotContain("second description");
    }

    @Test
    void firstDescriptionWinsEvenAfterEverySeriesIsGone() {
        custom.family("kept", "first description", GAUGE).series(NONE, NONE, null, "i0").release();
        custom.family("kept", "second description", GAUGE).series(NONE, NONE, null, "i0");

        assertThat(registry.scrape()).contains("# HELP kept first description\n");
    }

    @Test
    void sameNameWithOtherKindFails() {
        custom.family("test_dup_metric_family_diff_kind", "d", COUNTER);

        assertThatThrownBy(() -> custom.family("test_dup_metric_family_diff_kind", "d", GAUGE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Family name already exists with different type");
    }

    @Test
    void builtinFamilyNamesAreReservedWithTheirKind() {
        assertThatThrownBy(() -> custom.family("nv_inference_count", "d", GAUGE))
                .hasMessage("Family name already exists with different type");
        assertThatThrownBy(() -> custom.family("nv_cpu_utilization", "d", HISTOGRAM))
                .hasMessage("Family name already exists with different type");
    }

    @Test
    void sameKindMergesIntoABuiltinFamily() {
        ModelMetrics model = registry.registerModel("m", "1");
        CustomSeries series = custom.family("nv_inference_exec_count", "ignored", COUNTER)
                .series(new String[] {"model", "version"}, new String[] {"m", "1"}, null, "i0");
        model.executed();

        assertThat(series.value()).isEqualTo(1.0);
        assertThat(registry.scrape()).contains("nv_inference_exec_count{model=\"m\",version=\"1\"} 1\n")
                .doesNotContain("ignored");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1x", "__x", "a:b", "a-b"})
    void invalidLabelNamesAreRejected(String label) {
        CustomFamily family = custom.family("g", "", GAUGE);

        assertThatThrownBy(() -> family.series(new String[] {label}, new String[] {"v"}, null, "i0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Invalid label name");
        assertThat(registry.scrape()).isEmpty();
    }

    @Test
    void bucketRulesFollowTriton() {
        CustomFamily histogram = custom.family("h", "", HISTOGRAM);
        CustomFamily counter = custom.family("c", "", COUNTER);

        assertThatThrownBy(() -> histogram.series(NONE, NONE, null, "i0"))
                .hasMessage("Failed to create metric. Missing required buckets.");
        assertThatThrownBy(() -> counter.series(NONE, NONE, new double[] {1}, "i0"))
                .hasMessage("Failed to create metric. Unexpected buckets found.");
        assertThatThrownBy(() -> histogram.series(NONE, NONE, new double[] {2, 1}, "i0"))
                .hasMessage("Bucket Boundaries must be strictly sorted");
        assertThatThrownBy(() -> histogram.series(NONE, NONE, new double[] {1, 1}, "i0"))
                .hasMessage("Bucket Boundaries must be strictly sorted");
        assertThat(histogram.series(NONE, NONE, new double[0], "i0").isReleased()).isFalse();
    }

    @Test
    void equalLabelSetsShareOneSeriesWhateverTheOrder() {
        CustomFamily family = custom.family("test_dup_metric", "dup metric", COUNTER);
        CustomSeries first = family.series(new String[] {"a", "b"}, new String[] {"1", "2"}, null, "i0");
        CustomSeries second = family.series(new String[] {"b", "a"}, new String[] {"2", "1"}, null, "i1");

        first.increment(7.5);

        assertThat(second.value()).isEqualTo(7.5);
        assertThat(registry.scrape()).containsOnlyOnce("test_dup_metric{a=\"1\",b=\"2\"} 7.5\n");
    }

    @Test
    void nullAndEmptyLabelsAreTheSameSeries() {
        CustomFamily family = custom.family("g", "", GAUGE);
        family.series(null, null, null, "i0").set(3);

        assertThat(family.series(NONE, NONE, null, "i0").value()).isEqualTo(3.0);
    }

    @Test
    void aHistogramKeepsItsOriginalBuckets() {
        CustomFamily family = custom.family("h", "", HISTOGRAM);
        family.series(NONE, NONE, new double[] {1, 2}, "i0");
        // Unsorted buckets are not even checked: the existing series is returned, as in prometheus-cpp.
        family.series(NONE, NONE, new double[] {9, 3}, "i1").observe(1.5);

        assertThat(registry.scrape()).contains("h_bucket{le=\"2\"} 1\n").doesNotContain("le=\"9\"");
    }

    @Test
    void counterRules() {
        CustomSeries counter = custom.family("test_counter_e2e", "", COUNTER).series(NONE, NONE, null, "i0");
        assertThat(counter.value()).isEqualTo(0.0);
        counter.increment(2023);
        assertThat(counter.value()).isEqualTo(2023.0);

        assertThatThrownBy(() -> counter.increment(-23.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TRITONSERVER_METRIC_KIND_COUNTER can only be incremented monotonically by "
                        + "non-negative values.");
        assertThatThrownBy(() -> counter.set(999.9))
                .hasMessage("TRITONSERVER_METRIC_KIND_COUNTER does not support Set");
        assertThatThrownBy(() -> counter.observe(1))
                .hasMessage("TRITONSERVER_METRIC_KIND_COUNTER does not support Observe");
        assertThat(counter.value()).isEqualTo(2023.0);
    }

    @Test
    void gaugeRules() {
        CustomSeries gauge = custom.family("test_gauge_e2e", "", GAUGE).series(NONE, NONE, null, "i0");
        gauge.increment(2023);
        gauge.increment(-23.5);
        assertThat(gauge.value()).isEqualTo(1999.5);
        gauge.set(999.9);
        assertThat(gauge.value()).isEqualTo(999.9);

        assertThatThrownBy(() -> gauge.observe(1))
                .hasMessage("TRITONSERVER_METRIC_KIND_GAUGE does not support Observe");
    }

    @Test
    void histogramRules() {
        CustomSeries histogram = custom.family("h", "", HISTOGRAM).series(NONE, NONE, new double[] {1}, "i0");

        assertThatThrownBy(() -> histogram.increment(1))
                .hasMessage("TRITONSERVER_METRIC_KIND_HISTOGRAM does not support Increment");
        assertThatThrownBy(() -> histogram.set(1))
                .hasMessage("TRITONSERVER_METRIC_KIND_HISTOGRAM does not support Set");
        assertThatThrownBy(histogram::value)
                .hasMessage("TRITONSERVER_METRIC_KIND_HISTOGRAM does not support Value");
    }

    @Test
    void seriesIsReferenceCountedAcrossOwners() {
        CustomFamily family = custom.family("shared", "", COUNTER);
        String[] names = {"model"};
        String[] values = {"custom_metrics"};
        CustomSeries instance0 = family.series(names, values, null, "custom_metrics_0_0");
        CustomSeries instance1 = family.series(names, values, null, "custom_metrics_0_1");
        CustomSeries instance2 = family.series(names, values, null, "custom_metrics_0_2");
        instance0.increment(1);
        instance1.increment(1);

        instance0.release();
        instance0.release(); // idempotent: must not drop another holder's reference
        instance1.release();
        assertThat(instance2.value()).isEqualTo(2.0);
        assertThat(registry.scrape()).contains("shared{model=\"custom_metrics\"} 2\n");

        instance2.release();
        assertThat(registry.scrape()).isEmpty();
    }

    @Test
    void aReleasedHandleFailsButOthersKeepWorking() {
        CustomFamily family = custom.family("g", "", GAUGE);
        CustomSeries released = family.series(NONE, NONE, null, "i0");
        CustomSeries kept = family.series(NONE, NONE, null, "i1");
        released.release();

        assertThat(released.isReleased()).isTrue();
        assertThatThrownBy(() -> released.increment(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Invalid metric operation as the corresponding 'MetricFamily' has been "
                        + "deleted.");
        kept.set(4);
        assertThat(kept.value()).isEqualTo(4.0);
    }

    @Test
    void recreatingAfterRemovalStartsFromZero() {
        CustomFamily family = custom.family("c", "", COUNTER);
        CustomSeries old = family.series(NONE, NONE, null, "i0");
        old.increment(5);
        old.release();

        assertThat(family.series(NONE, NONE, null, "i0").value()).isEqualTo(0.0);
    }

    @Test
    void releaseOwnerDropsOnlyThatOwnersReferences() {
        CustomFamily family = custom.family("c", "", COUNTER);
        CustomSeries a = family.series(new String[] {"k"}, new String[] {"shared"}, null, "model_a_0");
        CustomSeries aOnly = family.series(new String[] {"k"}, new String[] {"a_only"}, null, "model_a_0");
        CustomSeries b = family.series(new String[] {"k"}, new String[] {"shared"}, null, "model_b_0");

        custom.releaseOwner("model_a_0");

        assertThat(a.isReleased()).isTrue();
        assertThat(aOnly.isReleased()).isTrue();
        assertThat(b.isReleased()).isFalse();
        assertThat(registry.scrape()).contains("c{k=\"shared\"} 0\n").doesNotContain("a_only");
        a.release(); // a late release from Python (e.g. a garbage-collected family) is harmless
        assertThat(registry.scrape()).contains("c{k=\"shared\"} 0\n");
        custom.releaseOwner("model_a_0");
        custom.releaseOwner("nobody");
    }

    @Test
    void concurrentUpdatesAndScrapesLoseNothing() throws Exception {
        CustomFamily counters = custom.family("hits", "", COUNTER);
        CustomFamily histograms = custom.family("sizes", "", HISTOGRAM);
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String owner = "i" + t;
            futures.add(pool.submit(() -> {
                CustomSeries counter = counters.series(NONE, NONE, null, owner);
                CustomSeries histogram = histograms.series(NONE, NONE, new double[] {0.5}, owner);
                go.await();
                for (int i = 0; i < perThread; i++) {
                    counter.increment(1);
                    histogram.observe(1);
                }
                return null;
            }));
        }
        futures.add(pool.submit(() -> {
            go.await();
            for (int i = 0; i < 200; i++) {
                assertThat(registry.scrape()).contains("# TYPE hits counter");
            }
            return null;
        }));
        go.countDown();
        for (Future<?> future : futures) {
            future.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(registry.scrape()).contains("hits " + threads * perThread + "\n",
                "sizes_count " + threads * perThread + "\n");
    }
}
