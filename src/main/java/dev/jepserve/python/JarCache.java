package dev.jepserve.python;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * jepserve's per-user cache directory ({@code $XDG_CACHE_HOME/jepserve} or {@code ~/.cache/jepserve}) and the key
 * of a jar in it: files derived from one jar (its extracted Python modules, the stubs' class-data archive) are
 * named by the jar's path, size and modification time, so a rebuilt jar gets new ones.
 */
public final class JarCache {
    private JarCache() {
    }

    /** The cache directory (not created here). */
    public static Path root() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jepserve");
    }

    /** The key of a jar file (hex, file-name safe); empty when {@code jar} is not a readable regular .jar file. */
    public static Optional<String> key(Path jar) {
        try {
            if (!jar.getFileName().toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
                return Optional.empty();
            }
            return Optional.of(Integer.toHexString(jar.toAbsolutePath().toString().hashCode()) + "-"
                    + Long.toHexString(Files.size(jar)) + "-" + Long.toHexString(Files.getLastModifiedTime(jar).toMillis()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
