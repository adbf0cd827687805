package dev.jepserve.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonSourcesCacheTest {
    @TempDir
    Path dir;

    @Test
    void pruningKeepsCopiesOfLiveJarsAndDeletesStaleOnes() throws Exception {
        Path root = Files.createDirectories(dir.resolve("python"));
        Path jar = Files.write(dir.resolve("server.jar"), new byte[] {1});
        Path live = Files.createDirectories(root.resolve(JarCache.key(jar).orElseThrow()));
        Files.writeString(live.resolve(".source"), jar + "\n");
        // A copy of a jar that was rebuilt since (its key no longer matches), one of a jar that is gone, one
        // from before .source files, an old staging leftover and a fresh one (another server extracting now).
        Path rebuilt = Files.createDirectories(root.resolve("0-0-0"));
        Files.writeString(rebuilt.resolve(".source"), jar + "\n");
        Path gone = Files.createDirectories(root.resolve("1-1-1"));
        Files.writeString(gone.resolve(".source"), dir.resolve("gone.jar") + "\n");
        Path legacy = Files.createDirectories(root.resolve("2-2-2"));
        Path oldStaging = Files.createDirectories(root.resolve("3-3-3.staging-1"));
        Files.setLastModifiedTime(oldStaging, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        Path freshStaging = Files.createDirectories(root.resolve("4-4-4.staging-2"));

        PythonSources.pruneCache(root);

        assertThat(live).exists();
        assertThat(freshStaging).exists();
        assertThat(rebuilt).doesNotExist();
        assertThat(gone).doesNotExist();
        assertThat(legacy).doesNotExist();
        assertThat(oldStaging).doesNotExist();
    }
}
