package org.jmaster.master.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * NAME
 *     MasterCfWatch - a change of the master.cf file is a reload
 * DESCRIPTION
 *     Watches the file's directory (editors often replace the file rather than write it) and,
 *     once the changes have settled for half a second, runs the reload it was given. One thread,
 *     asleep while nothing changes.
 */
final class MasterCfWatch implements AutoCloseable {
    private static final long SETTLE_MILLIS = 500;

    private final Path file;
    private final WatchService service;
    private final Thread thread;
    private final Runnable reload;

    MasterCfWatch(Path file, Runnable reload) throws IOException {
        this.file = file.toAbsolutePath();
        this.reload = reload;
        this.service = FileSystems.getDefault().newWatchService();
        try {
            this.file.getParent().register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        thread = new Thread(this::run, "jmaster-master.cf-watch");
        thread.setDaemon(true);
        thread.start();
    }

    Path file() {
        return file;
    }

    private void run() {
        try {
            while (true) {
                boolean changed = concernsFile(service.take());
                WatchKey more;
                while ((more = service.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    changed |= concernsFile(more);
                }
                if (changed) {
                    reload.run();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private boolean concernsFile(WatchKey key) {
        boolean concerns = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            Object context = event.context();
            concerns |= event.kind() == StandardWatchEventKinds.OVERFLOW
                    || (context instanceof Path && file.getFileName().equals(context));
        }
        key.reset();
        return concerns;
    }

    @Override
    public void close() throws IOException {
        service.close();
        thread.interrupt();
    }
}
