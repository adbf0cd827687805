package dev.jepserve.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jepserve.stub.StubHealthPolicy.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StubHealthPolicyTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long IDLE = -1;

    @Test
    void theTimeoutIsTritonsStubTimeoutSecondsThirtyByDefault() {
        assertThat(StubHealthPolicy.fromPythonSettings(Map.of()).timeoutNanos()).isEqualTo(30 * SECOND);
        StubHealthPolicy two = StubHealthPolicy.fromPythonSettings(Map.of("stub-timeout-seconds", "2"));
        assertThat(two.timeoutNanos()).isEqualTo(2 * SECOND);
        assertThat(two.timeoutSeconds()).isEqualTo(2);
    }

    @Test
    void pingsFourTimesPerTimeoutButAtMostOnceASecond() {
        assertThat(StubHealthPolicy.fromPythonSettings(Map.of("stub-timeout-seconds", "2")).pingIntervalNanos())
                .isEqualTo(SECOND / 2);
        assertThat(StubHealthPolicy.fromPythonSettings(Map.of()).pingIntervalNanos()).isEqualTo(SECOND);
    }

    @Test
    void refusesATimeoutThatIsNotAPositiveWholeNumber() {
        for (String bad : new String[] {"0", "-3", "1.5", "soon"}) {
            assertThatThrownBy(() -> StubHealthPolicy.fromPythonSettings(Map.of("stub-timeout-seconds", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stub-timeout-seconds must be a positive whole number of seconds, got '"
                            + bad + "'");
        }
    }

    @Test
    void anIdleStubThatAnswersHeartbeatsIsHealthy() {
        StubHealthPolicy policy = StubHealthPolicy.withTimeoutMillis(2000);
        long now = 100 * SECOND;

        assertThat(policy.verdict(now, now - SECOND, IDLE)).isEqualTo(Verdict.HEALTHY);
        // An idle stub is never hung, however long ago its last batch was.
        assertThat(policy.verdict(now, now, IDLE)).isEqualTo(Verdict.HEALTHY);
    }

    @Test
    void aStubSilentForLongerThanTheTimeoutIsSilent() {
        StubHealthPolicy policy = StubHealthPolicy.withTimeoutMillis(2000);
        long now = 100 * SECOND;

        assertThat(policy.verdict(now, now - 2 * SECOND, IDLE)).isEqualTo(Verdict.HEALTHY);
        assertThat(policy.verdict(now, now - 3 * SECOND, IDLE)).isEqualTo(Verdict.SILENT);
    }

    @Test
    void aBatchWithoutProgressForLongerThanTheTimeoutIsHungEvenWhileHeartbeatsAreAnswered() {
        StubHealthPolicy policy = StubHealthPolicy.withTimeoutMillis(2000);
        long now = 100 * SECOND;

        assertThat(policy.verdict(now, now, now - SECOND)).isEqualTo(Verdict.HEALTHY);
        assertThat(policy.verdict(now, now, now - 3 * SECOND)).isEqualTo(Verdict.HUNG);
    }
}
