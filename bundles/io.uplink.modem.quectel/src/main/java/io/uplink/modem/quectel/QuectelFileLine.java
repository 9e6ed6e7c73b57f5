package io.uplink.modem.quectel;

/** One {@code +QFLST: "UFS:<name>",<size>} line. */
record QuectelFileLine(String name, long size) {

    /** The line's name (without {@code UFS:}) and size, or {@code null} when it is not of that form. */
    static QuectelFileLine parse(String line) {
        String body = line.substring(line.indexOf(':') + 1).trim();
        int comma = body.lastIndexOf(',');
        if (comma <= 0) {
            return null;
        }
        String name = body.substring(0, comma).trim();
        if (name.length() < 2 || !name.startsWith("\"") || !name.endsWith("\"")) {
            return null;
        }
        name = name.substring(1, name.length() - 1);
        if (name.regionMatches(true, 0, "UFS:", 0, 4)) {
            name = name.substring(4);
        }
        try {
            long size = Long.parseLong(body.substring(comma + 1).trim());
            return size < 0 || name.isEmpty() ? null : new QuectelFileLine(name, size);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
