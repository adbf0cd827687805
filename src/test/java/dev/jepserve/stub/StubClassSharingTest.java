package dev.jepserve.stub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StubClassSharingTest {
    @TempDir
    Path cache;

    @Test
    void oneStubRecordsThenEveryStubMapsTheFinishedArchive() throws Exception {
        StubClassSharing sharing = new StubClassSharing(cache.resolve("cds"), "k", "x.jar\nvm\n");

        List<String> first = sharing.flags();
        assertThat(first).containsExactly("-XX:ArchiveClassesAtExit=" + cache.resolve("cds/stub-k.jsa.recording"));
        assertThat(sharing.records(first)).isTrue();
        // While the first one records, the others start without sharing.
        assertThat(sharing.flags()).isEmpty();

        Files.write(cache.resolve("cds/stub-k.jsa.recording"), new byte[] {1});
        sharing.recordingDone();

        List<String> later = sharing.flags();
        assertThat(later).containsExactly("-XX:SharedArchiveFile=" + cache.resolve("cds/stub-k.jsa"));
        assertThat(sharing.records(later)).isFalse();
        assertThat(cache.resolve("cds/stub-k.claim")).doesNotExist();
    }

    @Test
    void aRecorderThatWroteNothingLetsTheNextStubRecord() {
        StubClassSharing sharing = new StubClassSharing(cache, "k", "x.jar\nvm\n");
        assertThat(sharing.records(sharing.flags())).isTrue();

        sharing.recordingDone(); // killed before it could write

        assertThat(sharing.records(sharing.flags())).isTrue();
    }

    @Test
    void aClassPathThatIsNotOneJarHasNoSharing() {
        assertThat(StubClassSharing.forClasspath("target/classes:lib/x.jar")).isEmpty();
        assertThat(StubClassSharing.forClasspath(cache.resolve("missing.jar").toString())).isEmpty();
    }

    @Test
    void pruningKeepsTheCurrentAndLiveArchivesAndDeletesStaleOnes() throws Exception {
        Path jar = Files.write(cache.resolve("server.jar"), new byte[] {1, 2, 3});
        Path cds = Files.createDirectories(cache.resolve("cds"));
        StubClassSharing current = StubClassSharing.forClasspath(jar.toString(), cds).orElseThrow();
        current.flags();
        Files.write(cds.resolve(recordingName(cds)), new byte[] {1});
        current.recordingDone();
        String currentArchive = onlyArchive(cds);
        // Another live jar's archive (say another checkout's server) stays.
        Path other = Files.write(cache.resolve("other.jar"), new byte[] {4});
        StubClassSharing live = StubClassSharing.forClasspath(other.toString(), cds).orElseThrow();
        live.flags();
        Files.write(cds.resolve(recordingName(cds)), new byte[] {1});
        live.recordingDone();
        // Stale: an archive from before .source files, one of a jar that is gone, one of another JDK.
        Files.write(cds.resolve("stub-legacy.jsa"), new byte[] {1});
        Files.write(cds.resolve("stub-gone.jsa"), new byte[] {1});
        Files.writeString(cds.resolve("stub-gone.source"), cache.resolve("gone.jar") + "\n"
                + System.getProperty("java.vm.version") + "\n");
        Files.write(cds.resolve("stub-oldjdk.jsa"), new byte[] {1});
        Files.writeString(cds.resolve("stub-oldjdk.source"), jar + "\n0.0-old\n");
        Files.writeString(cds.resolve("unrelated.txt"), "kept");

        StubClassSharing.pruneStale(cds, jar.toString());

        try (var files = Files.list(cds)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jsa")).toList())
                    .hasSize(2).contains(currentArchive);
        }
        assertThat(cds.resolve("stub-legacy.jsa")).doesNotExist();
        assertThat(cds.resolve("stub-gone.jsa")).doesNotExist();
        assertThat(cds.resolve("stub-gone.source")).doesNotExist();
        assertThat(cds.resolve("stub-oldjdk.jsa")).doesNotExist();
        assertThat(cds.resolve("unrelated.txt")).exists();
        // The current jar's archive is still used.
        assertThat(current.flags()).containsExactly("-XX:SharedArchiveFile=" + cds.resolve(currentArchive));
    }

    private static String recordingName(Path cds) throws Exception {
        try (var files = Files.list(cds)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".claim")).findFirst()
                    .orElseThrow().replace(".claim", ".jsa.recording");
        }
    }

    private static String onlyArchive(Path cds) throws Exception {
        try (var files = Files.list(cds)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jsa")).findFirst().orElseThrow();
        }
    }
}
