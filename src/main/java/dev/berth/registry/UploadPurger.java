package dev.berth.registry;

import dev.berth.config.BerthConfig;
import dev.berth.registry.UploadSessions.Session;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Deletes upload sessions that saw no activity for {@code berth.uploads.purge-after}: clients
 * abandon uploads, and their bytes would otherwise stay forever. Every replica may run it: a
 * session is deleted with a write conditional on the state it judged idle, so a session that
 * became active meanwhile (its request touches the state while bytes arrive) is kept.
 */
@Singleton
public class UploadPurger {
  private static final Logger LOG = Logger.getLogger(UploadPurger.class);
  private final StorageDriver storage;
  private final UploadSessions sessions;
  private final BerthConfig.Uploads config;
  private final boolean readOnly;
  private ScheduledExecutorService timer;

  public UploadPurger(StorageDriver storage, UploadSessions sessions, BerthConfig config) {
    this.storage = storage;
    this.sessions = sessions;
    this.config = config.uploads();
    this.readOnly = config.readOnly();
  }

  void start(@Observes StartupEvent event) {
    // A read-only registry writes nothing, and the uploads it sees are another registry's.
    if (!config.purgeEnabled() || readOnly) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "berth-upload-purge");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::purgeQuietly, config.purgeFirstRun().toMillis(), config.purgeInterval().toMillis(), TimeUnit.MILLISECONDS);
    LOG.debugf("purging uploads idle for %s every %s, first in %s", config.purgeAfter(), config.purgeInterval(), config.purgeFirstRun());
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private void purgeQuietly() {
    try {
      int n = purge(Instant.now().minus(config.purgeAfter()));
      if (n > 0) {
        LOG.infof("purged %d abandoned upload(s)", n);
      }
    } catch (StorageException e) {
      LOG.warnf("purging abandoned uploads failed: %s", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("purging abandoned uploads failed", e); // a bug: keep the timer alive
    }
  }

  /** Deletes the sessions whose last activity is before {@code cutoff}; returns how many. */
  public int purge(Instant cutoff) {
    int purged = 0;
    for (String uuid : Listings.all(storage, StorageLayout.UPLOADS)) {
      if (uuid.endsWith("/")) {
        continue; // not a session
      }
      Optional<Session> s;
      try {
        s = sessions.read(uuid);
      } catch (StorageException e) {
        purged += purgeUnreadable(uuid, cutoff) ? 1 : 0;
        continue;
      }
      if (s.isPresent() && s.get().lastActivity().isBefore(cutoff) && sessions.deleteIdle(s.get())) {
        purged++;
      }
    }
    return purged;
  }

  /** A state that can't be parsed is judged by when it was written. */
  private boolean purgeUnreadable(String uuid, Instant cutoff) {
    Optional<Instant> written = storage.stat(StorageLayout.uploadState(uuid)).map(ObjectInfo::modified);
    if (written.isEmpty() || !written.get().isBefore(cutoff)) {
      return false;
    }
    LOG.warnf("deleting unreadable upload state %s", uuid);
    storage.delete(StorageLayout.uploadData(uuid), Precondition.NONE);
    return storage.delete(StorageLayout.uploadState(uuid), Precondition.NONE);
  }
}
