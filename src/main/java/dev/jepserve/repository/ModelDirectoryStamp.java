package dev.jepserve.repository;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a model directory looks like now: every file's relative path, size and modification time folded into
 * one value, so a poll (or an explicit load of a loaded model) sees any change: an edited model.py or
 * config.pbtxt, a file added or removed, a version directory added or removed. Python's __pycache__ is left
 * out (importing a model writes there).
 */
record ModelDirectoryStamp(long hash, int files) {
    static final ModelDirectoryStamp MISSING = new ModelDirectoryStamp(0, -1);

    static ModelDirectoryStamp of(Path modelDir) {
        long[] hash = {17};
        int[] count = {0};
        try {
            Files.walkFileTree(modelDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return dir.getFileName() != null && dir.getFileName().toString().equals("__pycache__")
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    long entry = modelDir.relativize(file).toString().hashCode();
                    entry = entry * 31 + attributes.size();
                    entry = entry * 31 + attributes.lastModifiedTime().toMillis() * 1_000_000L
                            + attributes.lastModifiedTime().toInstant().getNano() % 1_000_000L;
                    // Order-independent: the walk's order is not guaranteed.
                    hash[0] += entry * 0x9E3779B97F4A7C15L ^ (entry >>> 29);
                    count[0]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return MISSING;
        }
        return new ModelDirectoryStamp(hash[0], count[0]);
    }
}
