package org.jmaster.nio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.loop.ListenSockets;
import org.jmaster.api.spi.loop.LoopEvents;
import org.jmaster.api.spi.loop.StatusChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Bad input, fuzzed: whatever bytes a child writes to its status channel, in whatever pieces, the
 * loop turns every byte into either a whole record or a discarded fragment (Postfix's "partial
 * status update"), never throws, and keeps reading the channel.
 */
class StatusStreamFuzzTest {
    private static final AtomicLong BYTES = new AtomicLong();
    private static final AtomicLong RECORDS = new AtomicLong();
    private static final AtomicLong FRAGMENTS = new AtomicLong();
    private final AtomicLong accounted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private NioEventLoop loop;
    private ListenSockets sockets;
    private StatusChannel status;
    private Path queue;

    @BeforeEach
    void open() throws IOException {
        queue = Files.createTempDirectory("status-fuzz");
        Files.setPosixFilePermissions(queue, PosixFilePermissions.fromString("rwxr-xr-x")); // as root: mail_owner reaches it
        MasterSettings settings = MasterSettings.parse(Map.of("queue_directory", queue.toString()));
        loop = new NioEventLoop();
        ServiceDefinition definition = ServiceDefinition.parse("fuzz unix - n n - 2 x", 100);
        sockets = loop.open(definition, settings, 100);
        status = loop.openStatusChannel();
        loop.watch(sockets, status, new LoopEvents() {
            @Override
            public void listenReady() {
            }

            @Override
            public void statusRecord(StatusRecord record) {
                RECORDS.incrementAndGet();
                accounted.addAndGet(StatusRecord.SIZE);
            }

            @Override
            public void partialStatus(byte[] bytes, int length) {
                FRAGMENTS.incrementAndGet();
                accounted.addAndGet(length);
            }

            @Override
            public void statusFailure(String message) {
                failures.incrementAndGet();
            }
        });
    }

    @AfterEach
    void close() throws Exception {
        loop.deactivate();
        status.close();
        sockets.close();
        try (var files = Files.walk(queue)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @AfterAll
    static void figures() {
        System.out.printf("FIGURES 5a. status channel fuzz: %d random bytes read as %d records and %d discarded"
                + " fragments%n", BYTES.get(), RECORDS.get(), FRAGMENTS.get());
    }

    @Test
    void everyByteIsARecordOrADiscardedFragment() {
        Gen<byte[]> bytes = Generate.byteArrays(Generate.range(0, 100),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        qt().withExamples(300).forAll(lists().of(bytes).ofSizeBetween(0, 8)).checkAssert(writes -> {
            try {
                writeAndAccount(writes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private void writeAndAccount(List<byte[]> writes) throws IOException, InterruptedException {
        long start = accounted.get();
        long written = 0;
        SocketChannel child = status.childEnd();
        for (byte[] bytes : writes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                child.write(b);
            }
            written += bytes.length;
        }
        BYTES.addAndGet(written);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (accounted.get() - start < written && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(written, accounted.get() - start, "bytes accounted for");
        assertEquals(0, failures.get());
        assertTrue(status.masterEnd().isOpen());
    }
}
