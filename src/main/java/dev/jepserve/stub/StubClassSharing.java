package dev.jepserve.stub;

import dev.jepserve.python.JarCache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Application class-data sharing for stub JVMs: the first stub started for a given jar and JDK records the
 * classes it loads into an archive (-XX:ArchiveClassesAtExit, written when it exits, also through halt); the
 * server moves the finished archive into place, and every later stub maps it (-XX:SharedArchiveFile) instead
 * of loading and verifying those classes from the jar. The archive lives in a cache directory outside the
 * repository, keyed by jar and JDK, with a {@code .source} file naming both, so archives of a jar that changed or
 * is gone, or of another JDK, can be deleted ({@link #pruneStale}); with -Xshare:auto a missing or stale archive
 * only costs the speed-up.
 */
final class StubClassSharing {
    /** A claim older than this is from a recording stub that never finished (killed, or its server died). */
    private static final Duration STALE_CLAIM = Duration.ofMinutes(10);
    private static final String PREFIX = "stub-";

    private final Path archive;
    private final Path recording;
    private final Path claim;
    private final Path source;
    /** What {@link #source} says: the jar's path and the JDK's version, a line each. */
    private final String sourceText;

    StubClassSharing(Path directory, String key, String sourceText) {
        this.archive = directory.resolve(PREFIX + key + ".jsa");
        this.recording = directory.resolve(PREFIX + key + ".jsa.recording");
        this.claim = directory.resolve(PREFIX + key + ".claim");
        this.source = directory.resolve(PREFIX + key + ".source");
        this.sourceText = sourceText;
    }

    /** For a class path that is one jar file; empty otherwise (or with no usable cache directory). */
    static Optional<StubClassSharing> forClasspath(String classpath) {
        return forClasspath(classpath, directory());
    }

    /** The same, with its archives in {@code directory}. */
    static Optional<StubClassSharing> forClasspath(String classpath, Path directory) {
        if (!classpath.endsWith(".jar")) {
            return Optional.empty();
        }
        Path jar = Path.of(classpath).toAbsolutePath();
        String vm = System.getProperty("java.vm.version");
        return key(jar, vm).map(key -> new StubClassSharing(directory, key, jar + "\n" + vm + "\n"));
    }

    /** The archive's key: the jar's (path, size, time) and the JDK's version. */
    private static Optional<String> key(Path jar, String vmVersion) {
        return JarCache.key(jar).map(key -> key + "-" + Integer.toHexString(vmVersion.hashCode()));
    }

    static Path directory() {
        return JarCache.root().resolve("cds");
    }

    /**
     * Deletes the archives of other jars and JDKs that are stale: their jar changed or is gone, or they are for
     * another JDK (or have no {@code .source}, from before it existed); recordings whose claim is older than a
     * recording can take. The archive of a live jar (another checkout's server) stays. A running stub keeps its
     * mapping of a deleted archive. Failures are ignored: the archive only saves time.
     */
    static void pruneStale(Path directory, String classpath) {
        String vm = System.getProperty("java.vm.version");
        Optional<String> current = classpath.endsWith(".jar") ? key(Path.of(classpath).toAbsolutePath(), vm)
                : Optional.empty();
        Instant claimCutoff = Instant.now().minus(STALE_CLAIM);
        List<Path> entries;
        try (Stream<Path> listing = Files.list(directory)) {
            entries = listing.toList();
        } catch (IOException | RuntimeException e) {
            return;
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            int dot = name.indexOf('.');
            if (!name.startsWith(PREFIX) || dot < 0) {
                continue;
            }
            String key = name.substring(PREFIX.length(), dot);
            if (current.isPresent() && current.get().equals(key)) {
                continue;
            }
            try {
                if (name.endsWith(".jsa") && stale(directory, key, vm)) {
                    Files.deleteIfExists(entry);
                    Files.deleteIfExists(directory.resolve(PREFIX + key + ".source"));
                } else if ((name.endsWith(".claim") || name.endsWith(".jsa.recording"))
                        && Files.getLastModifiedTime(entry).toInstant().isBefore(claimCutoff)) {
                    Files.deleteIfExists(entry);
                }
            } catch (IOException | RuntimeException e) {
                // another server pruned it first
            }
        }
    }

    private static boolean stale(Path directory, String key, String currentVm) {
        List<String> lines;
        try {
            lines = Files.readAllLines(directory.resolve(PREFIX + key + ".source"));
        } catch (IOException | RuntimeException e) {
            return true;
        }
        if (lines.size() < 2 || !lines.get(1).equals(currentVm)) {
            return true;
        }
        return !key(Path.of(lines.get(0)), lines.get(1)).equals(Optional.of(key));
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
                Files.writeString(source, sourceText);
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
