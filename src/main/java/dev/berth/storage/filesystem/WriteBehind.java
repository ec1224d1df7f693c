package dev.berth.storage.filesystem;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Flushes an upload's file while it is still being received, on a background thread, so that the
 * fsync that makes a finished blob durable finds little left to write: disk and network then work
 * at the same time instead of one after the other. It flushes on the append's own channel (a
 * second descriptor's close would drop the append's lock) and never makes the writer wait; at
 * most one flush per channel is in flight.
 */
final class WriteBehind {
  private final Set<FileChannel> inFlight = ConcurrentHashMap.newKeySet();
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "berth-write-behind");
    t.setDaemon(true);
    return t;
  });

  void start(FileChannel ch) {
    if (!inFlight.add(ch)) {
      return;
    }
    thread.execute(() -> {
      try {
        ch.force(false);
      } catch (IOException e) {
        // The channel was closed by a finished append, or the flush failed: commit's own fsync
        // still makes the blob durable before it becomes visible.
      } finally {
        inFlight.remove(ch);
      }
    });
  }
}
