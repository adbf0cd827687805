package dev.jepserve.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    @Test
    void delaysDoubleUpToTheCap() {
        RestartBackoff backoff = new RestartBackoff(1000, 30_000);

        assertThat(backoff.afterDeath(10)).isEqualTo(1000);
        assertThat(backoff.afterFailedStart()).isEqualTo(2000);
        assertThat(backoff.afterFailedStart()).isEqualTo(4000);
        assertThat(backoff.afterDeath(10)).isEqualTo(8000);
        assertThat(backoff.afterDeath(10)).isEqualTo(16_000);
        assertThat(backoff.afterDeath(10)).isEqualTo(30_000);
        assertThat(backoff.afterFailedStart()).isEqualTo(30_000);
    }

    @Test
    void aStubThatServedAsLongAsTheCapStartsOverFromTheFirstDelay() {
        RestartBackoff backoff = new RestartBackoff(1000, 30_000);
        backoff.afterDeath(10);
        backoff.afterDeath(10);

        assertThat(backoff.afterDeath(30_000)).isEqualTo(1000);
        assertThat(backoff.afterDeath(29_999)).isEqualTo(2000);
    }

    @Test
    void refusesACapBelowTheFirstDelay() {
        assertThatThrownBy(() -> new RestartBackoff(2000, 1000)).isInstanceOf(IllegalArgumentException.class);
    }
}
