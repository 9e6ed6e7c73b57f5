package io.uplink.launcher;

/** Small helpers the client commands share. */
final class Cli {

    private Cli() {
    }

    /**
     * Log level for the client commands, set before the first logger is made: WARN (reconnects, refusals) by
     * default, DEBUG with {@code --debug} (AT traffic and TLS messages, secrets masked).
     */
    static void logging(boolean debug) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    }

    /** A name safe in a file name: letters, digits, '.', '-' and '_' kept, anything else '_'. */
    static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return t.length() > 80 ? t.substring(0, 80) : t;
    }
}
