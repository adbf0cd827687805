package dev.jepserve.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds the Python to embed from one setting (a venv directory or a python executable) and checks, before
 * the JVM loads anything native, that it can work: shared libpython, numpy, Jep's native library, and the
 * same Jep version as the jar. Each failure is one actionable line.
 */
public final class PythonEnvironmentProbe {
    /** Run by the target python: reports what is installed without importing jep (jep only imports embedded). */
    private static final String PROBE_SCRIPT = String.join("\n",
            "import importlib.util, json, os, sys, sysconfig",
            "info = {'executable': sys.executable, 'version': '%d.%d.%d' % sys.version_info[:3],",
            "        'prefix': sys.prefix, 'base_prefix': sys.base_prefix,",
            "        'shared': bool(sysconfig.get_config_var('Py_ENABLE_SHARED'))}",
            "spec = importlib.util.find_spec('jep')",
            "if spec is not None and spec.origin:",
            "    jep_dir = os.path.dirname(spec.origin)",
            "    info['jep_dir'] = jep_dir",
            "    ns = {}",
            "    try:",
            "        exec(open(os.path.join(jep_dir, 'version.py')).read(), ns)",
            "        info['jep_version'] = ns.get('VERSION')",
            "    except OSError:",
            "        pass",
            "try:",
            "    import numpy",
            "    info['numpy_version'] = numpy.__version__",
            "except Exception as e:",
            "    info['numpy_error'] = '%s: %s' % (type(e).__name__, e)",
            "print(json.dumps(info))");

    private static final List<String> JEP_LIBRARY_NAMES = List.of("libjep.so", "libjep.jnilib", "libjep.dylib");

    private final String expectedJepVersion;

    public PythonEnvironmentProbe(String expectedJepVersion) {
        this.expectedJepVersion = expectedJepVersion;
    }

    /**
     * @param setting a venv directory or a python executable
     * @throws PythonSetupException with a one-line, actionable message
     */
    public PythonEnvironment probe(Path setting) {
        Path executable = executableFor(setting);
        JsonNode info = runProbe(executable);
        String version = info.path("version").asText();
        if (!info.path("shared").asBoolean()) {
            throw new PythonSetupException("Python " + version + " at " + executable
                    + " was built without --enable-shared; Jep needs a shared libpython (rebuild it, or use another Python)");
        }
        if (info.has("numpy_error")) {
            throw new PythonSetupException("numpy is missing from " + executable + " (" + info.path("numpy_error").asText()
                    + "); run bin/setup, or install numpy before jep");
        }
        if (!info.has("jep_dir")) {
            throw new PythonSetupException("jep is not installed in " + executable
                    + "; run bin/setup, or: pip install --no-build-isolation jep==" + expectedJepVersion);
        }
        String jepVersion = info.path("jep_version").asText("unknown");
        if (!jepVersion.equals(expectedJepVersion)) {
            throw new PythonSetupException("jep " + jepVersion + " is installed in " + executable + " but this server needs jep "
                    + expectedJepVersion + " (Java and Python sides must match); run: pip install --no-build-isolation jep=="
                    + expectedJepVersion);
        }
        Path jepDir = Path.of(info.path("jep_dir").asText());
        Path jepLibrary = JEP_LIBRARY_NAMES.stream().map(jepDir::resolve).filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new PythonSetupException("Jep's native library (libjep) is missing from " + jepDir
                        + "; reinstall jep with a JDK present: JAVA_HOME=<jdk> pip install --no-build-isolation jep=="
                        + expectedJepVersion));
        return new PythonEnvironment(executable, version, Path.of(info.path("prefix").asText()),
                Path.of(info.path("base_prefix").asText()), jepLibrary, jepVersion, info.path("numpy_version").asText());
    }

    private static Path executableFor(Path setting) {
        if (Files.isDirectory(setting)) {
            Path candidate = setting.resolve("bin").resolve("python");
            if (!Files.isExecutable(candidate)) {
                throw new PythonSetupException("no Python environment at " + setting + " (no bin/python); run bin/setup, "
                        + "or point --python / JEPSERVE_PYTHON at a virtual environment");
            }
            return candidate.toAbsolutePath();
        }
        if (!Files.isExecutable(setting)) {
            throw new PythonSetupException("Python not found at " + setting + "; run bin/setup, or point --python / "
                    + "JEPSERVE_PYTHON at a virtual environment");
        }
        return setting.toAbsolutePath();
    }

    private static JsonNode runProbe(Path executable) {
        try {
            ProcessBuilder builder = new ProcessBuilder(executable.toString(), "-c", PROBE_SCRIPT);
            Map<String, String> env = builder.environment();
            env.remove("PYTHONHOME");
            Process process = builder.redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new PythonSetupException("Python at " + executable + " failed to start: "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
            String text = new String(output, StandardCharsets.UTF_8).strip();
            String lastLine = text.substring(text.lastIndexOf('\n') + 1);
            return new ObjectMapper().readTree(lastLine);
        } catch (IOException e) {
            throw new PythonSetupException("Python at " + executable + " could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PythonSetupException("interrupted while probing Python at " + executable);
        }
    }
}
