package org.jmaster.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.jmaster.api.postfix.StatusRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Decoding the 12-byte status records as the listener does: a batch of 64 from one read buffer. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StatusRecordBenchmark {
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(StatusRecord.SIZE * 64).order(ByteOrder.nativeOrder());

    @Setup
    public void fill() {
        for (int i = 0; i < 64; i++) {
            new StatusRecord(1000 + i, i, i % 2 == 0 ? StatusRecord.TAKEN : StatusRecord.AVAIL).encode(buffer);
        }
    }

    /** Records decoded per second (64 per invocation). */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(64)
    public long decodeBatch() {
        buffer.clear();
        long sum = 0;
        while (buffer.remaining() >= StatusRecord.SIZE) {
            StatusRecord record = StatusRecord.decode(buffer);
            sum += record.pid() + record.status();
        }
        return sum;
    }
}
