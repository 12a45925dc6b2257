package org.jmaster.api;

/**
 * How a child ended, decoded from a {@code waitpid()} status word: Postfix's normal exit, exit
 * status n, killed by signal n, or stopped by signal n.
 *
 * @param kind what happened
 * @param value the exit code, or the signal number
 */
public record ExitStatus(Kind kind, int value) {
    /** SIGKILL on Linux. */
    public static final int SIGKILL = 9;
    /** SIGTERM on Linux. */
    public static final int SIGTERM = 15;

    /** The ways {@code waitpid()} reports a child. */
    public enum Kind {
        /** {@code WIFEXITED}: the child called exit; {@link #value()} is the code. */
        EXITED,
        /** {@code WIFSIGNALED}: a signal killed the child; {@link #value()} is the signal. */
        KILLED,
        /** {@code WIFSTOPPED}: the child is stopped, not gone; {@link #value()} is the signal. */
        STOPPED
    }

    /** Exit code 0. */
    public static ExitStatus exited(int code) {
        return new ExitStatus(Kind.EXITED, code);
    }

    /** Killed by a signal. */
    public static ExitStatus killed(int signal) {
        return new ExitStatus(Kind.KILLED, signal);
    }

    /** Stopped by a signal. */
    public static ExitStatus stopped(int signal) {
        return new ExitStatus(Kind.STOPPED, signal);
    }

    /**
     * Decodes a Linux {@code waitpid()} status word.
     *
     * @throws IllegalArgumentException for a word that is none of exited, killed or stopped
     */
    public static ExitStatus fromWaitStatus(int status) {
        int low = status & 0x7f;
        if (low == 0) {
            return exited((status >> 8) & 0xff);
        }
        if ((status & 0xff) == 0x7f) {
            return stopped((status >> 8) & 0xff);
        }
        if (low != 0x7f) {
            return killed(low);
        }
        throw new IllegalArgumentException("not a wait status: 0x" + Integer.toHexString(status));
    }

    /** Exited with status 0: the only end Postfix does not warn about. */
    public boolean isNormal() {
        return kind == Kind.EXITED && value == 0;
    }

    /** Stopped, not dead: the record of the child is kept. */
    public boolean isStopped() {
        return kind == Kind.STOPPED;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EXITED -> "exit status " + value;
            case KILLED -> "killed by signal " + value;
            case STOPPED -> "stopped by signal " + value;
        };
    }
}
