package dev.jepserve.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's flag tables are the code's table (regenerate with FlagTableMarkdown's main). */
class ReadmeFlagTableTest {
    @Test
    void readmeListsTheFlagTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf(FlagTableMarkdown.BEGIN);
        int end = readme.indexOf(FlagTableMarkdown.END);
        assertThat(begin).as("README marker").isNotNegative();
        assertThat(end).as("README end marker").isGreaterThan(begin);
        String inReadme = readme.substring(begin, end + FlagTableMarkdown.END.length()) + "\n";
        assertThat(inReadme).isEqualTo(FlagTableMarkdown.render(TritonFlags.ALL));
    }
}
