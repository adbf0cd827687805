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
        StubClassSharing sharing = new StubClassSharing(cache.resolve("cds"), "k");

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
        StubClassSharing sharing = new StubClassSharing(cache, "k");
        assertThat(sharing.records(sharing.flags())).isTrue();

        sharing.recordingDone(); // killed before it could write

        assertThat(sharing.records(sharing.flags())).isTrue();
    }

    @Test
    void aClassPathThatIsNotOneJarHasNoSharing() {
        assertThat(StubClassSharing.forClasspath("target/classes:lib/x.jar")).isEmpty();
        assertThat(StubClassSharing.forClasspath(cache.resolve("missing.jar").toString())).isEmpty();
    }
}
