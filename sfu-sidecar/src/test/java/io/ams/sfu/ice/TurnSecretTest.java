package io.ams.sfu.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurnSecretTest {
    @TempDir
    Path dir;

    @Test
    void theFirstLineWithoutWhiteSpaceIsTheSecret() throws IOException {
        Path f = dir.resolve("turn.secret");
        Files.writeString(f, "\n  north-wind-secret \n# ignored\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        TurnSecret read = TurnSecret.read(f);
        Instant now = Instant.ofEpochSecond(1000);
        assertThat(TurnCredentials.mint(read, "a", Duration.ofHours(1), now))
                .isEqualTo(TurnCredentials.mint(TurnSecret.of("north-wind-secret"), "a", Duration.ofHours(1), now));
    }

    @Test
    void neverShowsTheSecret() throws IOException {
        Path f = dir.resolve("turn.secret");
        Files.writeString(f, "north-wind-secret");
        assertThat(TurnSecret.read(f).toString()).doesNotContain("north").isEqualTo("TurnSecret[17 bytes]");
    }

    @Test
    void emptyMissingAndHugeFilesAreRefused() throws IOException {
        Path empty = dir.resolve("empty");
        Files.writeString(empty, " \n\t\n");
        assertThatThrownBy(() -> TurnSecret.read(empty)).isInstanceOf(IOException.class).hasMessageContaining("is empty");
        assertThatThrownBy(() -> TurnSecret.read(dir.resolve("missing"))).isInstanceOf(IOException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> TurnSecret.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a file");
        Path huge = dir.resolve("huge");
        Files.writeString(huge, "x".repeat(5000));
        assertThatThrownBy(() -> TurnSecret.read(huge)).isInstanceOf(IOException.class).hasMessageContaining("larger than");
        assertThatThrownBy(() -> TurnSecret.of(" ")).hasMessageContaining("empty");
    }

    @Test
    void aWorldReadableFileIsUsedWithAWarning() throws IOException {
        Path f = dir.resolve("open.secret");
        Files.writeString(f, "s3cret");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(TurnSecret.read(f)).isNotNull(); // the warning goes to the log, without the secret
    }
}
