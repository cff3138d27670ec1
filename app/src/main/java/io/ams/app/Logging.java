package io.ams.app;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/** Switches the io.ams loggers between INFO (default, see logback.xml) and DEBUG ({@code -v}). */
final class Logging {
    private static volatile boolean verbose;

    private Logging() {
    }

    static void verbose(boolean on) {
        verbose = on;
        if (LoggerFactory.getLogger("io.ams") instanceof Logger logger) {
            logger.setLevel(on ? Level.DEBUG : Level.INFO);
        }
    }

    static boolean isVerbose() {
        return verbose;
    }
}
