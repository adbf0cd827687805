package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feeds a scrape with every kind of line to the Python prometheus_client text parser. */
class PrometheusParserCompatibilityTest {
    /**
     * Prints one line per sample, type|family|sample|labels as JSON|value, after the parser has read the whole
     * file (the parser itself renames counter samples to name_total; the family keeps the name we printed).
     */
    private static final String PARSE = String.join("\n",
            "import json, sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "text = open(sys.argv[1], encoding='utf-8').read()",
            "for family in text_string_to_metric_families(text):",
            "    for s in family.samples:",
            "        labels = json.dumps(s.labels, sort_keys=True)",
            "        print('%s|%s|%s|%s|%r' % (family.type, family.name, s.name, labels, float(s.value)))");

    @TempDir
    Path dir;

    @Test
    void wholeScrapeParses() throws Exception {
        Path python = findPython();
        assumeTrue(python != null, "skipped: no project Python with prometheus_client (.venv/bin/python, "
                + ".venv/bin/python or -Djepserve.python=...)");

        MetricsRegistry registry = new MetricsRegistry(
                MetricsOptions.defaults().withConfig(List.of("histogram_latencies=true")));
        ModelMetrics model = registry.registerModel("simple", "1");
        model.requestSucceeded(2, 3_000_000, 0, 0, 0, 0);
        model.firstResponse(120_000_000);
        CustomMetrics custom = registry.customMetrics();
        custom.family("requests_process_latency_ns", "Cumulative time spent processing requests", 0)
                .series(new String[] {"model", "version"}, new String[] {"custom_metrics", "1"}, null, "i0")
                .increment(223406);
        custom.family("odd_values", "quotes \" and back\\slash\nnewline", 1)
                .series(new String[] {"path"}, new String[] {"a\\b \"c\"\nd"}, null, "i0").set(Double.NaN);
        custom.family("odd_values", "", 1).series(new String[] {"path"}, new String[] {"inf"}, null, "i0")
                .set(Double.NEGATIVE_INFINITY);
        custom.family("no_help", "", 1).series(null, null, null, "i0").set(1e16);
        CustomSeries histogram = custom.family("test_histogram_e2e", "histogram", 2)
                .series(new String[] {"example1"}, new String[] {"x"}, new double[] {0.1, 1.0, 2.5, 5.0, 10.0}, "i0");
        histogram.observe(0.05);
        histogram.observe(1.5);
        histogram.observe(6.0);

        Path scrape = dir.resolve("scrape.txt");
        Files.writeString(scrape, registry.scrape(), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(python.toString(), "-c", PARSE, scrape.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        assertThat(output.lines()).contains(
                "counter|requests_process_latency_ns|requests_process_latency_ns_total|"
                        + "{\"model\": \"custom_metrics\", \"version\": \"1\"}|223406.0",
                "counter|nv_inference_request_success|nv_inference_request_success_total|"
                        + "{\"model\": \"simple\", \"version\": \"1\"}|1.0",
                "counter|nv_inference_request_failure|nv_inference_request_failure_total|"
                        + "{\"model\": \"simple\", \"reason\": \"BACKEND\", \"version\": \"1\"}|0.0",
                "counter|nv_inference_request_duration_us|nv_inference_request_duration_us_total|"
                        + "{\"model\": \"simple\", \"version\": \"1\"}|3000.0",
                "gauge|odd_values|odd_values|{\"path\": \"a\\\\b \\\"c\\\"\\nd\"}|nan",
                "gauge|odd_values|odd_values|{\"path\": \"inf\"}|-inf",
                "gauge|no_help|no_help|{}|1e+16",
                "histogram|test_histogram_e2e|test_histogram_e2e_count|{\"example1\": \"x\"}|3.0",
                "histogram|test_histogram_e2e|test_histogram_e2e_sum|{\"example1\": \"x\"}|7.55",
                "histogram|test_histogram_e2e|test_histogram_e2e_bucket|{\"example1\": \"x\", \"le\": \"1\"}|1.0",
                "histogram|test_histogram_e2e|test_histogram_e2e_bucket|{\"example1\": \"x\", \"le\": \"+Inf\"}|3.0",
                "histogram|nv_inference_first_response_histogram_ms|nv_inference_first_response_histogram_ms_bucket|"
                        + "{\"le\": \"500\", \"model\": \"simple\", \"version\": \"1\"}|1.0");
    }

    private static Path findPython() {
        String configured = System.getProperty("jepserve.python", System.getenv("JEPSERVE_PYTHON"));
        return Stream.of(configured, ".venv-test/bin/python", ".venv/bin/python")
                .filter(candidate -> candidate != null && !candidate.isEmpty())
                .map(Path::of)
                .filter(Files::isExecutable)
                .filter(PrometheusParserCompatibilityTest::hasPrometheusClient)
                .findFirst().orElse(null);
    }

    private static boolean hasPrometheusClient(Path python) {
        try {
            Process probe = new ProcessBuilder(python.toString(), "-c", "import prometheus_client")
                    .redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (Exception unavailable) {
            return false;
        }
    }
}
