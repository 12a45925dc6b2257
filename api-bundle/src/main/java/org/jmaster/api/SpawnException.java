package org.jmaster.api;

/**
 * A child could not be created (Postfix's fork failure, or an exec failure that
 * {@code posix_spawn} reports to the parent). The message says which call failed and why, such as
 * {@code fork: Resource temporarily unavailable} or
 * {@code exec /usr/lib/postfix/sbin/smtpd: No such file or directory}.
 */
public class SpawnException extends Exception {
    private static final long serialVersionUID = 1L;

    /** With the failed call and its error text. */
    public SpawnException(String message) {
        super(message);
    }
}
