package dev.jepserve.python;

import java.nio.file.Path;

/**
 * The Python installation the server embeds, as found by {@link PythonEnvironmentProbe}.
 *
 * @param executable   the environment's python (a venv's bin/python); the embedded interpreter is given it as
 *                     its program name, so CPython finds the venv from it, never from PATH
 * @param version      CPython version, e.g. "3.11.7"
 * @param prefix       sys.prefix (the venv)
 * @param basePrefix   sys.base_prefix (the installation the venv was made from)
 * @param jepLibrary   Jep's native library, compiled by pip against this Python
 * @param jepVersion   the pip-side Jep version
 * @param numpyVersion the numpy version
 */
public record PythonEnvironment(
        Path executable,
        String version,
        Path prefix,
        Path basePrefix,
        Path jepLibrary,
        String jepVersion,
        String numpyVersion) {
}
