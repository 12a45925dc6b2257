package org.jmaster.api.postfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The 12-byte record: native order, unsigned generation, raw status. */
class StatusRecordTest {

    @Test
    void layoutIsPostfixsStructInNativeOrder() {
        byte[] bytes = StatusRecord.avail(4321, 0xFFFF_FFFEL).toBytes();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        assertEquals(12, bytes.length);
        assertEquals(4321, b.getInt(0));
        assertEquals(-2, b.getInt(4), "gen is an unsigned int");
        assertEquals(1, b.getInt(8));
    }

    @Test
    void decodeIgnoresTheBufferOrderAndReadsAnyStatus() {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        b.putInt(7).putInt(-1).putInt(99).flip();
        b.order(ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        StatusRecord r = StatusRecord.decode(b);
        assertEquals(new StatusRecord(7, 0xFFFF_FFFFL, 99), r);
        assertNull(r.state());
        assertEquals(12, b.position());
    }

    @Test
    void shortInputIsAnUnderflow() {
        assertThrows(BufferUnderflowException.class, () -> StatusRecord.decode(ByteBuffer.allocate(11)));
    }

    @Test
    void encodeThenDecodeIsIdentity() {
        qt().withExamples(1000)
                .forAll(integers().all(), longs().between(0, 0xFFFF_FFFFL), integers().all())
                .checkAssert((pid, gen, status) -> {
                    StatusRecord r = new StatusRecord(pid, gen, status);
                    assertEquals(r, StatusRecord.decode(ByteBuffer.wrap(r.toBytes())));
                });
    }
}
