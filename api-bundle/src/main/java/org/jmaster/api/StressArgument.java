package org.jmaster.api;

/**
 * The stress argument a child is given (R10): none for services that are not stress-eligible,
 * {@code -o stress=} normally, {@code -o stress=yes} while the service is in stress mode.
 */
public enum StressArgument {
    /** Not stress-eligible: no {@code -o stress} argument at all. */
    NONE(null),
    /** Eligible, not in stress mode: {@code -o stress=}. */
    OFF("stress="),
    /** In stress mode: {@code -o stress=yes}. */
    ON("stress=yes");

    private final String option;

    StressArgument(String option) {
        this.option = option;
    }

    /** The value that follows {@code -o}, or null for {@link #NONE}. */
    public String option() {
        return option;
    }
}
