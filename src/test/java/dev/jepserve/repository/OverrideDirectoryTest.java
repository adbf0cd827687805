package dev.jepserve.repository;

import dev.jepserve.inference.TritonException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OverrideDirectoryTest {
    @Test
    void pathsOutsideTheModelDirectoryAreRefusedWithoutNamingServerPaths() {
        for (String bad : new String[] {"file:../x", "file:/etc/x", "file:1/../../x", "file:", "file:."}) {
            assertThatThrownBy(() -> OverrideDirectory.validate(Map.of(bad, new byte[0])))
                    .isInstanceOf(TritonException.class)
                    .hasMessage("Invalid file parameter '" + bad
                            + "': the path must be relative and stay within the model directory");
        }
    }

    @Test
    void filesAreWrittenUnderADirectoryNamedLikeTheModel() throws Exception {
        Path dir = OverrideDirectory.write("m", Map.of("file:1/model.py", "x = 1".getBytes(),
                "file:1/./sub/helper.py", new byte[] {1}));
        try {
            assertThat(dir.getFileName().toString()).isEqualTo("m");
            assertThat(Files.readString(dir.resolve("1/model.py"))).isEqualTo("x = 1");
            assertThat(dir.resolve("1/sub/helper.py")).exists();
        } finally {
            OverrideDirectory.delete(dir);
        }
        assertThat(dir.getParent()).doesNotExist();
    }
}
