package org.jmaster.master.internal;

/** The master's clock, moved by hand (by FakeLoop.advance). */
final class FakeClock implements Clock {
    long now = 1_000_000_000_000L;

    @Override
    public long millis() {
        return now;
    }
}
