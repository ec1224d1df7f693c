package dev.berth.storage;

import dev.berth.config.BerthConfig;
import dev.berth.storage.filesystem.FilesystemDriver;
import dev.berth.storage.memory.MemoryDriver;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Builds the configured storage driver, once. */
public class StorageProducer {
  private static final Logger LOG = Logger.getLogger(StorageProducer.class);

  @Produces
  @Singleton
  StorageDriver storage(BerthConfig config) {
    StorageDriver driver = switch (config.storage().driver()) {
      case filesystem -> new FilesystemDriver(Path.of(config.storage().filesystem().root()));
      case memory -> new MemoryDriver();
      case azure -> throw new StorageException("the azure driver is not available in this build");
    };
    LOG.infof("storage: %s", describe(driver, config));
    return driver;
  }

  /** Creating the driver at startup turns bad storage configuration into a startup error. */
  void onStart(@Observes StartupEvent event, StorageDriver storage) {
    storage.name();
  }

  private static String describe(StorageDriver driver, BerthConfig config) {
    if (driver instanceof FilesystemDriver fs) {
      return "filesystem at " + fs.root();
    }
    return driver.name();
  }
}
