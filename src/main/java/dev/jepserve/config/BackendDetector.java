package dev.jepserve.config;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Fills an empty {@code backend} the way Triton's AutoCompleteBackendFields does: from {@code platform},
 * {@code default_model_filename} or the files in the first version directory, trying the backends in Triton's
 * order (TensorFlow, TensorRT, ONNX Runtime, OpenVINO, PyTorch, Python). Non-Python results are detected only so
 * that the caller can refuse them with a clear message.
 */
final class BackendDetector {
    static final String PYTHON = "python";
    static final String PYTHON_FILENAME = "model.py";

    private static final String TENSORFLOW = "tensorflow";
    private static final String SAVEDMODEL_PLATFORM = "tensorflow_savedmodel";
    private static final String GRAPHDEF_PLATFORM = "tensorflow_graphdef";
    private static final String SAVEDMODEL_FILENAME = "model.savedmodel";
    private static final String GRAPHDEF_FILENAME = "model.graphdef";
    private static final String TENSORRT = "tensorrt";
    private static final String TENSORRT_PLATFORM = "tensorrt_plan";
    private static final String TENSORRT_FILENAME = "model.plan";
    private static final String ONNXRUNTIME = "onnxruntime";
    private static final String ONNX_PLATFORM = "onnxruntime_onnx";
    private static final String ONNX_FILENAME = "model.onnx";
    private static final String OPENVINO = "openvino";
    private static final String OPENVINO_FILENAME = "model.xml";
    private static final String PYTORCH = "pytorch";
    private static final String PYTORCH_PLATFORM = "pytorch_libtorch";
    private static final String PYTORCH_FILENAME = "model.pt";

    private BackendDetector() {
    }

    /** Sets {@code backend} (and {@code platform} for the platform-based backends) when they can be inferred. */
    static void detect(ModelConfig.Builder config, Path modelDir) {
        Optional<Path> versionDir = firstVersionDirectory(modelDir);
        String filename = config.getDefaultModelFilename();
        boolean nothingNamed = config.getPlatform().isEmpty() && filename.isEmpty() && versionDir.isPresent();

        if (config.getPlatform().isEmpty()
                && (config.getBackend().isEmpty() || config.getBackend().equals(TENSORFLOW))) {
            if (filename.equals(SAVEDMODEL_FILENAME) || (nothingNamed && isDirectory(versionDir, SAVEDMODEL_FILENAME))) {
                config.setPlatform(SAVEDMODEL_PLATFORM);
            } else if (filename.equals(GRAPHDEF_FILENAME) || (nothingNamed && isFile(versionDir, GRAPHDEF_FILENAME))) {
                config.setPlatform(GRAPHDEF_PLATFORM);
            }
        }
        if (config.getPlatform().equals(SAVEDMODEL_PLATFORM) || config.getPlatform().equals(GRAPHDEF_PLATFORM)) {
            setBackendIfEmpty(config, TENSORFLOW);
            return;
        }
        if (detectOne(config, TENSORRT, TENSORRT_PLATFORM, TENSORRT_FILENAME,
                nothingNamed && isFile(versionDir, TENSORRT_FILENAME))) {
            return;
        }
        if (detectOne(config, ONNXRUNTIME, ONNX_PLATFORM, ONNX_FILENAME,
                nothingNamed && exists(versionDir, ONNX_FILENAME))) {
            return;
        }
        if (detectOne(config, OPENVINO, null, OPENVINO_FILENAME,
                nothingNamed && exists(versionDir, OPENVINO_FILENAME))) {
            return;
        }
        if (detectOne(config, PYTORCH, PYTORCH_PLATFORM, PYTORCH_FILENAME,
                nothingNamed && isFile(versionDir, PYTORCH_FILENAME))) {
            return;
        }
        detectOne(config, PYTHON, null, PYTHON_FILENAME, nothingNamed && exists(versionDir, PYTHON_FILENAME));
    }

    /** True when the config's backend is (or has now been set to) {@code backend}; fills its platform too. */
    private static boolean detectOne(ModelConfig.Builder config, String backend, String platform, String filename,
                                     boolean foundInVersionDir) {
        if (config.getBackend().isEmpty()) {
            boolean byPlatform = platform != null && config.getPlatform().equals(platform);
            if (byPlatform || config.getDefaultModelFilename().equals(filename) || foundInVersionDir) {
                config.setBackend(backend);
            }
        }
        if (!config.getBackend().equals(backend)) {
            return false;
        }
        if (platform != null && config.getPlatform().isEmpty()) {
            config.setPlatform(platform);
        }
        return true;
    }

    private static void setBackendIfEmpty(ModelConfig.Builder config, String backend) {
        if (config.getBackend().isEmpty()) {
            config.setBackend(backend);
        }
    }

    /**
     * Triton inspects only the first version directory, "first" in string order (so "10" comes before "9").
     * Only valid version names count: all digits, no leading zero.
     */
    static Optional<Path> firstVersionDirectory(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(modelDir)) {
            return children
                    .filter(Files::isDirectory)
                    .filter(dir -> isVersionName(dir.getFileName().toString()))
                    .min((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        } catch (IOException e) {
            throw new TritonException(TritonCode.INTERNAL,
                    "failed to list model directory " + modelDir + ": " + e.getMessage(), e);
        }
    }

    static boolean isVersionName(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9') && name.charAt(0) != '0';
    }

    private static boolean exists(Optional<Path> dir, String name) {
        return dir.map(d -> Files.exists(d.resolve(name))).orElse(false);
    }

    private static boolean isFile(Optional<Path> dir, String name) {
        return exists(dir, name) && !Files.isDirectory(dir.get().resolve(name));
    }

    private static boolean isDirectory(Optional<Path> dir, String name) {
        return dir.map(d -> Files.isDirectory(d.resolve(name))).orElse(false);
    }
}
