package org.jmaster.api.postfix;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 12-byte status record a child writes to fd 5: Postfix's
 * {@code struct { int pid; unsigned gen; int avail; }}, in native byte order and sizes, one
 * {@code write()} per record, no framing.
 *
 * <p>The status is kept as the raw integer because children are not trusted: anything but
 * {@link #TAKEN} and {@link #AVAIL} is for the policy to warn about and ignore.
 *
 * @param pid the child's process id as it claims it
 * @param generation the {@code GENERATION} the child was started with, an unsigned 32-bit value
 * @param status {@link #TAKEN}, {@link #AVAIL}, or garbage
 */
public record StatusRecord(int pid, long generation, int status) {
    /** Size of a record on the wire. */
    public static final int SIZE = 12;
    /** {@code MASTER_STAT_TAKEN}: the child is busy. */
    public static final int TAKEN = 0;
    /** {@code MASTER_STAT_AVAIL}: the child is idle and accepting. */
    public static final int AVAIL = 1;

    /**
     * A record with a generation that must fit an unsigned 32-bit integer.
     *
     * @throws IllegalArgumentException if it does not
     */
    public StatusRecord {
        if (generation < 0 || generation > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("generation out of unsigned 32-bit range: " + generation);
        }
    }

    /** The child with this pid and generation is busy. */
    public static StatusRecord taken(int pid, long generation) {
        return new StatusRecord(pid, generation, TAKEN);
    }

    /** The child with this pid and generation is idle. */
    public static StatusRecord avail(int pid, long generation) {
        return new StatusRecord(pid, generation, AVAIL);
    }

    /**
     * Reads one record at the buffer's position, advancing it by {@link #SIZE}, in native order
     * whatever the buffer's order.
     *
     * @throws BufferUnderflowException if fewer than 12 bytes remain
     */
    public static StatusRecord decode(ByteBuffer in) {
        if (in.remaining() < SIZE) {
            throw new BufferUnderflowException();
        }
        ByteOrder order = in.order();
        in.order(ByteOrder.nativeOrder());
        try {
            return new StatusRecord(in.getInt(), Integer.toUnsignedLong(in.getInt()), in.getInt());
        } finally {
            in.order(order);
        }
    }

    /** Writes this record at the buffer's position in native order, advancing it by {@link #SIZE}. */
    public ByteBuffer encode(ByteBuffer out) {
        ByteOrder order = out.order();
        out.order(ByteOrder.nativeOrder());
        try {
            return out.putInt(pid).putInt((int) generation).putInt(status);
        } finally {
            out.order(order);
        }
    }

    /** This record as the 12 bytes a child writes. */
    public byte[] toBytes() {
        byte[] bytes = new byte[SIZE];
        encode(ByteBuffer.wrap(bytes));
        return bytes;
    }

    /** The state this record reports, or null when the status is neither TAKEN nor AVAIL. */
    public ProcessState state() {
        return switch (status) {
            case TAKEN -> ProcessState.TAKEN;
            case AVAIL -> ProcessState.AVAIL;
            default -> null;
        };
    }
}
