package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuMetricsPollerTest {
    @TempDir
    Path dir;

    private final MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());

    @Test
    void gaugesFollowProcStatDeltasAndMeminfo() throws Exception {
        Path stat = dir.resolve("stat");
        Path meminfo = dir.resolve("meminfo");
        // user nice system idle iowait irq softirq steal guest guest_nice
        Files.writeString(stat, "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\nintr 1\n");
        Files.writeString(meminfo, "MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    400 kB\n");
        CpuMetricsPoller poller = new CpuMetricsPoller(registry, stat, meminfo, 2000);
        poller.openSeries();

        poller.pollOnce();
        assertThat(registry.scrape()).contains(
                "# HELP nv_cpu_utilization CPU utilization rate [0.0 - 1.0]\n",
                "nv_cpu_utilization 0\n",
                "# HELP nv_cpu_memory_total_bytes CPU total memory (RAM), in bytes\n",
                "nv_cpu_memory_total_bytes 1024000\n",
                "# HELP nv_cpu_memory_used_bytes CPU used memory (RAM), in bytes\n",
                "nv_cpu_memory_used_bytes 614400\n");

        // +30 busy (user 20, irq 5, steal 5) and +70 idle/iowait: 30 / 100.
        Files.writeString(stat, "cpu  120 0 50 850 70 5 0 5 0 0\n");
        poller.pollOnce();
        assertThat(registry.scrape()).contains("nv_cpu_utilization 0.3\n");

        poller.close();
        assertThat(registry.scrape()).doesNotContain("nv_cpu_");
    }

    @Test
    void startPollsOnItsOwnThreadUntilClosed() throws Exception {
        Path stat = dir.resolve("stat");
        Path meminfo = dir.resolve("meminfo");
        Files.writeString(stat, "cpu  1 1 1 1 1 1 1 1\n");
        Files.writeString(meminfo, "MemTotal: 2 kB\nMemAvailable: 1 kB\n");
        CpuMetricsPoller poller = new CpuMetricsPoller(registry, stat, meminfo, 10);

        poller.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!registry.scrape().contains("nv_cpu_memory_total_bytes 2048\n") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(registry.scrape()).contains("nv_cpu_memory_total_bytes 2048\n", "nv_cpu_memory_used_bytes 1024\n");
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(
                thread -> thread.getName().equals("jepserve-cpu-metrics") && thread.isDaemon());

        poller.close();
        assertThat(registry.scrape()).isEmpty();
    }

    @Test
    void realProcFilesParseOnLinux() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/stat")), "no /proc here");
        CpuMetricsPoller poller = new CpuMetricsPoller(registry);
        poller.openSeries();
        poller.pollOnce();
        poller.pollOnce();

        assertThat(registry.scrape()).containsPattern("nv_cpu_memory_total_bytes [1-9][0-9]*\n")
                .containsPattern("nv_cpu_utilization [0-9.e+-]+\n");
        poller.close();
    }
}
