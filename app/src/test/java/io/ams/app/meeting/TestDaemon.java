package io.ams.app.meeting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the tests' own daemons (coturn, tinyproxy) share: the end of their logs, and stopping them. */
final class TestDaemon {
    private TestDaemon() {
    }

    /** The last 4000 characters of {@code files} one after the other (missing ones skipped), for assertion messages. */
    static String tail(Path... files) {
        try {
            StringBuilder text = new StringBuilder();
            for (Path f : files) {
                if (Files.exists(f)) {
                    text.append(Files.readString(f));
                }
            }
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text.toString();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, then SIGKILL after 5 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
