package dev.jepserve.stub;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelParameter;
import dev.jepserve.inference.TritonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Per-model Python environments, Triton's {@code EXECUTION_ENV_PATH} parameter: an unpacked environment
 * directory or a {@code .tar.gz} of one (a venv or a conda-pack archive). A leading
 * {@code $$TRITON_MODEL_DIRECTORY} is the model's directory; a relative path is taken from the model directory
 * too. Archives are unpacked once per server into a cache (again when the file changes) and removed at shutdown;
 * an archive whose member paths are absolute or contain {@code ..} is refused (Triton's texts) and the model is
 * not loaded.
 *
 * <p>Triton starts its stub inside the environment (its own Python). Our stub embeds the server's CPython
 * through Jep, so the environment's Python must have the server's major.minor version, and its site-packages go
 * ahead of the server's on the stub's {@code sys.path}; numpy and Jep stay the server's (imported before the
 * model).
 */
final class ExecutionEnvironments implements AutoCloseable {
    static final String PARAMETER = "EXECUTION_ENV_PATH";
    private static final String MODEL_DIRECTORY = "$$TRITON_MODEL_DIRECTORY";
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEnvironments.class);

    /** A prepared environment: its root and the directories the stub puts first on sys.path. */
    record Environment(Path root, List<Path> sitePackages) {
    }

    private record ArchiveKey(Path archive, long modified, long size) {
    }

    /** "3.11" */
    private final String pythonMajorMinor;
    private final Map<ArchiveKey, Path> unpacked = new ConcurrentHashMap<>();
    private volatile Path cache;

    /** @param pythonVersion the server's CPython version, e.g. "3.11.7" */
    ExecutionEnvironments(String pythonVersion) {
        String[] parts = pythonVersion.split("\\.");
        this.pythonMajorMinor = parts.length >= 2 ? parts[0] + "." + parts[1] : pythonVersion;
    }

    /** Whether the config names an environment. */
    static boolean isSet(ModelConfig config) {
        ModelParameter parameter = config.getParametersMap().get(PARAMETER);
        return parameter != null && !parameter.getStringValue().isBlank();
    }

    /**
     * The model's environment, unpacked when it is an archive; null when the config names none.
     *
     * @throws TritonException when it is missing, refused, or made for another Python
     */
    Environment prepare(String modelName, ModelConfig config, Path modelDir) {
        if (!isSet(config)) {
            return null;
        }
        String setting = config.getParametersMap().get(PARAMETER).getStringValue().trim();
        String substituted = setting.startsWith(MODEL_DIRECTORY)
                ? modelDir + setting.substring(MODEL_DIRECTORY.length()) : setting;
        Path path = modelDir.resolve(substituted).normalize();
        Path root;
        if (Files.isDirectory(path)) {
            root = path;
        } else if (Files.isRegularFile(path) && (substituted.endsWith(".tar.gz") || substituted.endsWith(".tgz"))) {
            root = unpack(modelName, path);
        } else {
            throw TritonException.invalidArg("failed to load '" + modelName + "': " + PARAMETER + " '" + setting
                    + "' is neither an environment directory nor a .tar.gz archive of one");
        }
        return new Environment(root, List.of(sitePackages(modelName, root)));
    }

    private Path unpack(String modelName, Path archive) {
        ArchiveKey key;
        try {
            Path real = archive.toRealPath();
            key = new ArchiveKey(real, Files.getLastModifiedTime(real).toMillis(), Files.size(real));
        } catch (IOException e) {
            throw TritonException.invalidArg("failed to load '" + modelName + "': cannot read its " + PARAMETER
                    + " archive");
        }
        synchronized (this) {
            Path done = unpacked.get(key);
            if (done != null) {
                return done;
            }
            Path target;
            try {
                target = Files.createTempDirectory(cacheDir(), "env_");
            } catch (IOException e) {
                throw TritonException.internal("cannot create a directory to unpack execution environments in");
            }
            try {
                long started = System.nanoTime();
                SafeTarGz.extract(archive, target);
                LOG.info("unpacked the execution environment of model '{}' in {} ms", modelName,
                        (System.nanoTime() - started) / 1_000_000);
            } catch (SafeTarGz.RefusedArchiveException e) {
                deleteTree(target);
                LOG.error("Failed to extract the execution environment of model '{}': {}", modelName, e.getMessage());
                throw TritonException.invalidArg("Failed to extract the execution environment of model '" + modelName
                        + "': " + e.getMessage());
            } catch (IOException e) {
                deleteTree(target);
                throw TritonException.invalidArg("Failed to extract the execution environment of model '" + modelName
                        + "': " + e.getMessage());
            }
            unpacked.put(key, target);
            return target;
        }
    }

    private Path sitePackages(String modelName, Path root) {
        Path wanted = root.resolve("lib").resolve("python" + pythonMajorMinor).resolve("site-packages");
        if (Files.isDirectory(wanted)) {
            return wanted;
        }
        String found;
        try (Stream<Path> libs = Files.list(root.resolve("lib"))) {
            found = libs.map(lib -> lib.getFileName().toString()).filter(name -> name.startsWith("python3"))
                    .sorted().findFirst().map(name -> name.substring("python".length())).orElse(null);
        } catch (IOException e) {
            found = null;
        }
        throw TritonException.invalidArg("failed to load '" + modelName + "': its " + PARAMETER + " environment "
                + (found == null ? "has no lib/python" + pythonMajorMinor + "/site-packages"
                : "is made for Python " + found + ", but the server embeds Python " + pythonMajorMinor
                + " (they must match)"));
    }

    private Path cacheDir() throws IOException {
        if (cache == null) {
            cache = Files.createTempDirectory("jepserve_env_");
        }
        return cache;
    }

    /** Removes every unpacked environment. */
    @Override
    public void close() {
        Path dir = cache;
        if (dir != null) {
            deleteTree(dir);
        }
        unpacked.clear();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // gone already
        }
    }
}
