package dev.jepserve.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Which Python to embed: --python, else $JEPSERVE_PYTHON, else .venv here or in the jar's project. */
final class PythonLocation {
    private final Function<String, String> environment;

    PythonLocation(Function<String, String> environment) {
        this.environment = environment;
    }

    Path resolve(String flag) {
        if (flag != null) {
            return Path.of(flag);
        }
        String fromEnv = environment.apply("JEPSERVE_PYTHON");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        Path local = Path.of(".venv");
        if (Files.isDirectory(local)) {
            return local;
        }
        try {
            Path jar = Path.of(PythonLocation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path besideProject = jar.getParent().getParent().resolve(".venv");
            if (Files.isDirectory(besideProject)) {
                return besideProject;
            }
        } catch (Exception ignored) {
            // fall through to the default below, which reports itself when missing
        }
        return local;
    }
}
