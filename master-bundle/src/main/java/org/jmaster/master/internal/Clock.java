package org.jmaster.master.internal;

/**
 * The master's time, in milliseconds, so that tests can move it by hand.
 *
 * <p>The {@link #SYSTEM} clock is monotonic and starts far above zero, so that Postfix's rule
 * "not warned within the last 1000 s" holds right after start-up.
 */
@FunctionalInterface
interface Clock {
    /** Monotonic milliseconds, never negative, starting at 10<sup>12</sup>. */
    Clock SYSTEM = new Clock() {
        private final long origin = System.nanoTime();

        @Override
        public long millis() {
            return 1_000_000_000_000L + (System.nanoTime() - origin) / 1_000_000;
        }
    };

    /** Now, in milliseconds. */
    long millis();
}
