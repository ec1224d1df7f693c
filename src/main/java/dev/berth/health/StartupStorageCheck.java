package dev.berth.health;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Asks storage once at startup, so the log says at once whether it answered ({@code storage ...
 * ready} or {@code storage ... not ready: <reason> (will keep trying)}, written by
 * {@link StorageProbe}). It runs beside the startup, never in its way: an unreachable storage
 * delays no port and fails no start, and the probes keep asking.
 */
@Singleton
class StartupStorageCheck {

  void onStart(@Observes StartupEvent event, StorageProbe probe) {
    Thread t = new Thread(probe::check, "berth-storage-startup-check");
    t.setDaemon(true);
    t.start();
  }
}
