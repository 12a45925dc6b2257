package org.jmaster.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;

/** Many clients at once against a small process limit. */
@RunWith(PaxExam.class)
public class LoadIT extends JmasterTestSupport {

    /** 200 clients connecting at once to maxproc 4: every one served, never more than 4 children. */
    @Test
    public void twoHundredClientsAtMaxproc4AreAllServed() throws Exception {
        int port = freePort();
        String name = "127.0.0.1:" + port;
        service("load", name + " inet n - n - 4 echo");
        awaitStarted(name);
        AtomicInteger mostChildren = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                mostChildren.accumulateAndGet(children(name).size(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        ExecutorService pool = Executors.newFixedThreadPool(200);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String line = "client " + i;
            replies.add(pool.submit(() -> {
                go.await();
                return echo(port, line);
            }));
        }
        go.countDown();
        for (int i = 0; i < 200; i++) {
            assertEquals("client " + i, replies.get(i).get(60, TimeUnit.SECONDS));
        }
        done.set(true);
        sampler.join();
        pool.shutdown();
        assertTrue("at most 4 children, saw " + mostChildren.get(), mostChildren.get() <= 4 && mostChildren.get() >= 1);
    }
}
