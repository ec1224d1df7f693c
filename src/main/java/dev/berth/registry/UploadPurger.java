package dev.berth.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.config.BerthConfig;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Deletes upload sessions that saw no activity for {@code berth.uploads.purge-after}: clients
 * abandon uploads, and their bytes would otherwise stay forever. Every replica may run it; deleting
 * an already deleted session is harmless.
 */
@Singleton
public class UploadPurger {
  private static final Logger LOG = Logger.getLogger(UploadPurger.class);
  private static final Duration FIRST_RUN = Duration.ofMinutes(5);
  private final StorageDriver storage;
  private final BerthConfig.Uploads config;
  private ScheduledExecutorService timer;

  public UploadPurger(StorageDriver storage, BerthConfig config) {
    this(storage, config.uploads());
  }

  UploadPurger(StorageDriver storage, BerthConfig.Uploads config) {
    this.storage = storage;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    if (!config.purgeEnabled()) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "berth-upload-purge");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::purgeQuietly, FIRST_RUN.toSeconds(), config.purgeInterval().toSeconds(), TimeUnit.SECONDS);
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
    }
  }

  /** Deletes the sessions whose last activity is before {@code cutoff}; returns how many. */
  public int purge(Instant cutoff) {
    int purged = 0;
    for (String uuid : Listings.all(storage, StorageLayout.UPLOADS)) {
      if (uuid.endsWith("/")) {
        continue; // not a session
      }
      Optional<Instant> last = lastActivity(uuid);
      if (last.isPresent() && last.get().isBefore(cutoff)) {
        UploadService.delete(storage, uuid);
        purged++;
      }
    }
    return purged;
  }

  /** The later of the session's start and its data's last write; empty when neither exists. */
  private Optional<Instant> lastActivity(String uuid) {
    Optional<Instant> written = storage.stat(StorageLayout.uploadData(uuid)).map(ObjectInfo::modified);
    Optional<Instant> started = storage.getSmall(StorageLayout.uploadState(uuid)).map(UploadPurger::startedAt);
    if (written.isPresent() && started.isPresent()) {
      return Optional.of(written.get().isAfter(started.get()) ? written.get() : started.get());
    }
    return written.isPresent() ? written : started;
  }

  private static Instant startedAt(SmallObject state) {
    try {
      JsonNode n = Json.parse(state.data());
      String at = Json.text(n, "startedAt");
      return at == null ? Instant.EPOCH : Instant.parse(at);
    } catch (IOException | RuntimeException e) {
      return Instant.EPOCH; // unreadable state: treat as old
    }
  }
}
