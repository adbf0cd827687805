package dev.jepserve.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The server's own Python files (pb_utils and the runtime glue) ship inside the jar under {@code python/};
 * CPython imports from the file system, so they are copied out. From a jar they go once into the user's cache
 * ({@link JarCache}, a directory per jar), where CPython also keeps their compiled {@code __pycache__}: every stub
 * process then starts without scanning the jar, copying files or compiling the glue again. Without a usable
 * cache (or when run from a classes directory) they go into a new temporary directory, as before.
 */
public final class PythonSources {
    private static final String PREFIX = "python/";
    /** Marks a fully extracted cache directory. */
    private static final String COMPLETE = ".complete";
    /** Names the jar a cache directory was extracted from. */
    private static final String SOURCE = ".source";

    private PythonSources() {
    }

    /** The directory holding the bundled modules: the jar's cache directory, or a new temporary one. */
    public static Path extract() {
        try {
            Path location = codeLocation();
            Optional<Path> cached = JarCache.key(location).flatMap(key -> cached(location, key));
            if (cached.isPresent()) {
                return cached.get();
            }
            Path target = Files.createTempDirectory("jepserve-python-");
            target.toFile().deleteOnExit();
            copyModules(location, target, true);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the server's Python modules", e);
        }
    }

    /** The cache directory of this jar, extracted now if needed; empty when the cache is not usable. */
    private static Optional<Path> cached(Path jar, String key) {
        Path directory = cacheRoot().resolve(key);
        if (Files.isRegularFile(directory.resolve(COMPLETE))) {
            return Optional.of(directory);
        }
        Path staging = null;
        try {
            Files.createDirectories(directory.getParent());
            // Extracted beside it and renamed into place, so no process ever imports from a half-written copy.
            staging = Files.createTempDirectory(directory.getParent(), key + ".staging-");
            copyModules(jar, staging, false);
            Files.writeString(staging.resolve(SOURCE), jar.toAbsolutePath() + "\n");
            Files.createFile(staging.resolve(COMPLETE));
            Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(directory);
        } catch (IOException e) {
            deleteTree(staging);
            // Another process may have won the race; else the cache is not writable.
            return Files.isRegularFile(directory.resolve(COMPLETE)) ? Optional.of(directory) : Optional.empty();
        }
    }

    /** Where the extracted module directories live. */
    public static Path cacheRoot() {
        return JarCache.root().resolve("python");
    }

    /**
     * Removes the cached module directories of jars that changed or are gone (each names its jar in a
     * {@code .source} file; one without is from an older jepserve), and staging leftovers older than ten
     * minutes. A live jar's directory (another checkout's server) stays. Failures are ignored: the cache only
     * saves time.
     */
    public static void pruneCache() {
        pruneCache(cacheRoot());
    }

    static void pruneCache(Path root) {
        Instant stagingCutoff = Instant.now().minus(Duration.ofMinutes(10));
        List<Path> entries;
        try (Stream<Path> listing = Files.list(root)) {
            entries = listing.toList();
        } catch (IOException | RuntimeException e) {
            return;
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            try {
                if (name.contains(".staging-")) {
                    if (Files.getLastModifiedTime(entry).toInstant().isBefore(stagingCutoff)) {
                        deleteTree(entry);
                    }
                } else if (!JarCache.key(Path.of(Files.readString(entry.resolve(SOURCE)).strip()))
                        .equals(Optional.of(name))) {
                    deleteTree(entry);
                }
            } catch (IOException | RuntimeException e) {
                deleteTree(entry); // no readable .source
            }
        }
    }

    private static void copyModules(Path location, Path target, boolean deleteOnExit) throws IOException {
        for (String name : bundledModuleNames(location)) {
            try (InputStream in = PythonSources.class.getClassLoader().getResourceAsStream(PREFIX + name)) {
                if (in == null) {
                    throw new IllegalStateException("bundled Python module missing: " + name);
                }
                Path file = target.resolve(name);
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                if (deleteOnExit) {
                    file.toFile().deleteOnExit();
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    private static Path codeLocation() throws IOException {
        try {
            return Path.of(PythonSources.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static List<String> bundledModuleNames(Path location) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve("python"))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".py")).forEach(names::add);
            }
            return names;
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                String entry = entries.nextElement().getName();
                if (entry.startsWith(PREFIX) && entry.endsWith(".py") && entry.indexOf('/', PREFIX.length()) < 0) {
                    names.add(entry.substring(PREFIX.length()));
                }
            }
        }
        return names;
    }
}
