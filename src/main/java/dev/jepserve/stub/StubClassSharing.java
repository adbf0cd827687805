package dev.jepserve.stub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Application class-data sharing for stub JVMs: the first stub started for a given jar and JDK records the
 * classes it loads into an archive (-XX:ArchiveClassesAtExit, written when it exits, also through halt); the
 * server moves the finished archive into place, and every later stub maps it (-XX:SharedArchiveFile) instead
 * of loading and verifying those classes from the jar. The archive lives in a cache directory outside the
 * repository, keyed by jar and JDK; with -Xshare:auto a missing or stale archive only costs the speed-up.
 */
final class StubClassSharing {
    /** A claim older than this is from a recording stub that never finished (killed, or its server died). */
    private static final Duration STALE_CLAIM = Duration.ofMinutes(10);

    private final Path archive;
    private final Path recording;
    private final Path claim;

    StubClassSharing(Path directory, String key) {
        this.archive = directory.resolve("stub-" + key + ".jsa");
        this.recording = directory.resolve("stub-" + key + ".jsa.recording");
        this.claim = directory.resolve("stub-" + key + ".claim");
    }

    /** For a class path that is one jar file; empty otherwise (or with no usable cache directory). */
    static Optional<StubClassSharing> forClasspath(String classpath) {
        try {
            Path jar = Path.of(classpath);
            if (!classpath.endsWith(".jar") || !Files.isRegularFile(jar)) {
                return Optional.empty();
            }
            String identity = jar.toAbsolutePath() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar)
                    + "|" + System.getProperty("java.vm.version");
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return Optional.of(new StubClassSharing(cacheDirectory(), HexFormat.of().formatHex(digest, 0, 12)));
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jepserve").resolve("cds");
    }

    /**
     * The JVM flags for the next stub: use the archive when it exists; else record it, for the one stub that
     * wins the claim; else none.
     */
    List<String> flags() {
        if (Files.isRegularFile(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive);
        }
        try {
            Files.createDirectories(claim.getParent());
            if (Files.exists(claim) && Files.getLastModifiedTime(claim).toInstant()
                    .isBefore(Instant.now().minus(STALE_CLAIM))) {
                Files.deleteIfExists(claim);
            }
            Files.createFile(claim);
            Files.setLastModifiedTime(claim, FileTime.from(Instant.now()));
            Files.deleteIfExists(recording);
            return List.of("-XX:ArchiveClassesAtExit=" + recording);
        } catch (IOException e) {
            return List.of(); // another stub is recording, or the cache is not writable
        }
    }

    /** After the recording stub exited: the archive it wrote goes into place whole (never half-written). */
    void recordingDone() {
        try {
            if (Files.isRegularFile(recording) && Files.size(recording) > 0) {
                Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.deleteIfExists(claim);
        } catch (IOException e) {
            // Left for the next claim to clean up; the stubs just run without the archive.
        }
    }

    boolean records(List<String> flags) {
        return flags.stream().anyMatch(flag -> flag.startsWith("-XX:ArchiveClassesAtExit="));
    }
}
