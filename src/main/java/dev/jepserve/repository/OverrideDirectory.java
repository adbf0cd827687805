package dev.jepserve.repository;

import dev.jepserve.inference.ModelLoadParameters;
import dev.jepserve.inference.TritonException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * Writes the {@code file:<path>} overrides of a load into a temporary model directory (named like the model,
 * so the config's name matches), as Triton does: the model then loads from there and from nothing else.
 * Paths must stay inside the model directory: absolute paths and {@code ..} are refused before anything is
 * written.
 */
final class OverrideDirectory {
    private OverrideDirectory() {
    }

    /** Refuses override names that would leave the model directory; the error does not reveal server paths. */
    static void validate(Map<String, byte[]> files) {
        for (String key : files.keySet()) {
            relativePath(key);
        }
    }

    /** A new temporary directory {@code <tmp>/<name>} holding the files; delete it with {@link #delete}. */
    static Path write(String name, Map<String, byte[]> files) {
        validate(files);
        try {
            Path modelDir = Files.createTempDirectory("jepserve-override-").resolve(name);
            Files.createDirectories(modelDir);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path target = modelDir.resolve(relativePath(file.getKey()));
                if (Files.exists(target.getParent()) && !Files.isDirectory(target.getParent())) {
                    throw TritonException.invalidArg("Invalid file parameter '" + file.getKey()
                            + "', directory has been created as a file");
                }
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
            return modelDir;
        } catch (IOException e) {
            throw TritonException.internal("failed to write the override files of model '" + name + "'");
        }
    }

    /** Removes a directory {@link #write} made (with its temporary parent). */
    static void delete(Path modelDir) {
        Path root = modelDir.getParent();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static Path relativePath(String key) {
        String text = key.substring(ModelLoadParameters.FILE_PREFIX.length());
        Path path;
        try {
            path = Path.of(text);
        } catch (RuntimeException e) {
            throw refused(key);
        }
        if (text.isEmpty() || path.isAbsolute() || text.startsWith("/")) {
            throw refused(key);
        }
        for (Path part : path) {
            if (part.toString().equals("..")) {
                throw refused(key);
            }
        }
        Path normalized = path.normalize();
        if (normalized.toString().isEmpty()) {
            throw refused(key);
        }
        return normalized;
    }

    private static TritonException refused(String key) {
        return TritonException.invalidArg("Invalid file parameter '" + key
                + "': the path must be relative and stay within the model directory");
    }
}
