package dev.jepserve.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jepserve.config.ModelConfigNormalizer;
import dev.jepserve.config.ModelConfigValidator;
import dev.jepserve.config.ModelConfigs;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.BatchPolicy;
import dev.jepserve.inference.OutputContract;
import dev.jepserve.inference.TritonException;

import java.nio.charset.StandardCharsets;

/** config.pbtxt text through parsing, Triton's normalization and validation, and what the server builds from it. */
class ModelConfigFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void configPbtxt(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            ModelConfig.Builder builder = ModelConfigs.parsePbtxt(text, "config.pbtxt").toBuilder();
            ModelConfigNormalizer.normalize(builder);
            ModelConfig config = builder.build();
            ModelConfigValidator.validate(config);
            BatchPolicy.from(config);
            OutputContract.from(config);
        } catch (TritonException refused) {
            // expected: Triton's text for a bad config
        }
    }
}
