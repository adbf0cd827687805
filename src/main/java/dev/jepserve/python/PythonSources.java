package dev.jepserve.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The server's own Python files (pb_utils and the runtime glue) ship inside the jar under {@code python/};
 * CPython imports from the file system, so they are copied to a private directory at start.
 */
public final class PythonSources {
    private static final String PREFIX = "python/";

    private PythonSources() {
    }

    /** Copies the bundled modules into a new temporary directory (removed at exit) and returns it. */
    public static Path extract() {
        try {
            Path target = Files.createTempDirectory("jepserve-python-");
            target.toFile().deleteOnExit();
            for (String name : bundledModuleNames()) {
                try (InputStream in = PythonSources.class.getClassLoader().getResourceAsStream(PREFIX + name)) {
                    if (in == null) {
                        throw new IllegalStateException("bundled Python module missing: " + name);
                    }
                    Path file = target.resolve(name);
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                    file.toFile().deleteOnExit();
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the server's Python modules", e);
        }
    }

    private static List<String> bundledModuleNames() throws IOException {
        Path location;
        try {
            location = Path.of(PythonSources.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
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
