package org.jmaster.child.internal;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Streams over a connected socket's descriptor, through read(2) and write(2). */
final class FdStreams {
    private FdStreams() {
    }

    static final class In extends InputStream {
        private final int fd;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        In(int fd) {
            this.fd = fd;
        }

        @Override
        public int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position == limit && !fill()) {
                return -1;
            }
            int n = Math.min(len, limit - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }

        private boolean fill() throws IOException {
            while (true) {
                try {
                    int n = Posix.INSTANCE.read(fd, buffer, buffer.length);
                    position = 0;
                    limit = Math.max(n, 0);
                    return n > 0;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Posix.EINTR) {
                        throw new IOException("read: error " + e.getErrorCode(), e);
                    }
                }
            }
        }
    }

    static final class Out extends OutputStream {
        private final int fd;

        Out(int fd) {
            this.fd = fd;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] chunk = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
            int done = 0;
            while (done < len) {
                byte[] rest = done == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, done, len);
                try {
                    done += Posix.INSTANCE.write(fd, rest, len - done);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Posix.EINTR) {
                        throw new IOException("write: error " + e.getErrorCode(), e);
                    }
                }
            }
        }
    }
}
