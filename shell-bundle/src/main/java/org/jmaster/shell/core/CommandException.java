package org.jmaster.shell.core;

/**
 * Bad input or a refused operation, in one line that names the command. Karaf prints an
 * exception of this simple name as its getNiceHelp() alone, with no stack trace in the shell or
 * its log (as its own CommandException); the Felix console prints "gogo: CommandException:
 * <message>". Unchecked, so that a command of either shell throws it as it is.
 */
public final class CommandException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    CommandException(String message) {
        super(message);
    }

    /** What Karaf prints for a CommandException: the message alone. */
    public String getNiceHelp() {
        return getMessage();
    }
}
