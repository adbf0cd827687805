package dev.jepserve.python;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The probe's checks, each against a fake "python" that reports a chosen installation. */
class PythonEnvironmentProbeTest {
    @TempDir
    Path dir;

    private Path fakePython(String json) throws IOException {
        Path venv = dir.resolve("venv");
        Files.createDirectories(venv.resolve("bin"));
        Path python = venv.resolve("bin").resolve("python");
        Files.writeString(python, "#!/bin/sh\ncat <<'JSON'\n" + json + "\nJSON\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        return venv;
    }

    private String info(boolean shared, String jepDir, String jepVersion, String numpy) {
        return "{\"executable\": \"/x/python\", \"version\": \"3.11.7\", \"prefix\": \"/v\", \"base_prefix\": \"/b\","
                + " \"shared\": " + shared
                + (jepDir == null ? "" : ", \"jep_dir\": \"" + jepDir + "\", \"jep_version\": \"" + jepVersion + "\"")
                + (numpy == null ? ", \"numpy_error\": \"ModuleNotFoundError: No module named 'numpy'\""
                : ", \"numpy_version\": \"" + numpy + "\"") + "}";
    }

    private Path jepDirWithLibrary() throws IOException {
        Path jep = Files.createDirectories(dir.resolve("site").resolve("jep"));
        Files.writeString(jep.resolve("libjep.so"), "");
        return jep;
    }

    @Test
    void acceptsAMatchingInstallation() throws IOException {
        Path jep = jepDirWithLibrary();
        PythonEnvironment env = new PythonEnvironmentProbe("4.3.1")
                .probe(fakePython(info(true, jep.toString(), "4.3.1", "2.4.6")));
        assertThat(env.jepLibrary()).isEqualTo(jep.resolve("libjep.so"));
        assertThat(env.numpyVersion()).isEqualTo("2.4.6");
        assertThat(env.executable().toString()).endsWith("venv/bin/python");
    }

    @Test
    void missingPythonSaysWhereItLooked() {
        assertThatThrownBy(() -> new PythonEnvironmentProbe("4.3.1").probe(dir.resolve("nowhere")))
                .isInstanceOf(PythonSetupException.class)
                .hasMessageContaining("nowhere").hasMessageContaining("bin/setup");
    }

    @Test
    void missingNumpy() throws IOException {
        Path jep = jepDirWithLibrary();
        assertThatThrownBy(() -> new PythonEnvironmentProbe("4.3.1").probe(fakePython(info(true, jep.toString(), "4.3.1", null))))
                .hasMessageStartingWith("numpy is missing");
    }

    @Test
    void missingJep() throws IOException {
        assertThatThrownBy(() -> new PythonEnvironmentProbe("4.3.1").probe(fakePython(info(true, null, null, "2.4.6"))))
                .hasMessageStartingWith("jep is not installed").hasMessageContaining("jep==4.3.1");
    }

    @Test
    void mismatchedJepVersion() throws IOException {
        Path jep = jepDirWithLibrary();
        assertThatThrownBy(() -> new PythonEnvironmentProbe("4.3.1").probe(fakePython(info(true, jep.toString(), "4.2.2", "2.4.6"))))
                .hasMessageContaining("jep 4.2.2 is installed").hasMessageContaining("needs jep 4.3.1");
    }

    @Test
    void missingNativeLibrary() throws IOException {
        Path jep = Files.createDirectories(dir.resolve("empty").resolve("jep"));
        assertThatThrownBy(() -> new PythonEnvironmentProbe("4.3.1").probe(fakePython(info(true, jep.toString(), "4.3.1", "2.4.6"))))
                .hasMessageContaining("native library");
    }

    @Test
    void staticPythonIsRefused() throws IOException {
        Path jep = jepDirWithLibrary();
        assertThatThrownBy(() -> new PythonEnvironmentProbe("4.3.1").probe(fakePython(info(false, jep.toString(), "4.3.1", "2.4.6"))))
                .hasMessageContaining("--enable-shared");
    }

    @Test
    void messagesAreOneLine() throws IOException {
        Path jep = jepDirWithLibrary();
        assertThatThrownBy(() -> new PythonEnvironmentProbe("4.3.1").probe(fakePython(info(true, jep.toString(), "4.3.1", null))))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
