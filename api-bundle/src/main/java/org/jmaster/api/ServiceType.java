package org.jmaster.api;

/**
 * The transport type of a service, master.cf column 2.
 *
 * <p>The column word ({@link #column()}) is what master.cf says and what the child receives after
 * {@code -t}.
 */
public enum ServiceType {
    /** TCP listen sockets on one or more addresses. */
    INET("inet"),
    /** An AF_UNIX stream socket under {@code queue_directory/private} or {@code public}. */
    UNIX("unix"),
    /** An AF_UNIX datagram socket under {@code queue_directory/private} or {@code public}. */
    UNIX_DGRAM("unix-dgram"),
    /** A named pipe (obsolete in Postfix, kept for completeness). */
    FIFO("fifo"),
    /** An AF_UNIX stream socket whose clients pass a connection as a file descriptor. */
    PASS("pass");

    private final String column;

    ServiceType(String column) {
        this.column = column;
    }

    /** The master.cf word of this type, such as {@code unix-dgram}. */
    public String column() {
        return column;
    }

    /** True when the endpoint is a file under {@code queue_directory} rather than network addresses. */
    public boolean isLocalPath() {
        return this != INET;
    }

    /**
     * The type named by a master.cf word.
     *
     * @throws IllegalArgumentException naming the bad word
     */
    public static ServiceType ofColumn(String word) {
        for (ServiceType type : values()) {
            if (type.column.equals(word)) {
                return type;
            }
        }
        throw new IllegalArgumentException("field \"type\": bad value: \"" + word + "\"");
    }

    @Override
    public String toString() {
        return column;
    }
}
