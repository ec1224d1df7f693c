package dev.berth.boot;

import dev.berth.config.BerthConfig;
import dev.berth.storage.BaseDriver;
import dev.berth.storage.MeteredDriver;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.azure.AzureBlobDriver;
import dev.berth.storage.filesystem.FilesystemDriver;
import dev.berth.storage.memory.MemoryDriver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Builds the configured storage driver, once, wrapped in {@link BaseDriver} as every production
 * driver is, with {@link MeteredDriver} inside it when {@code berth.metrics.enabled} (so the
 * metrics see the calls that reach the backend). Built at startup ({@link Startup}) so a
 * configuration the driver can't use fails the start and the log says where data goes; building
 * does no I/O, so storage that is down does not: the first operation prepares it ({@link
 * StorageDriver#prepare}), and the probes report it.
 */
public class StorageProducer {
  private static final Logger LOG = Logger.getLogger(StorageProducer.class);

  @Produces
  @Singleton
  @Startup
  StorageDriver storage(BerthConfig config, MeterRegistry registry) {
    StorageDriver driver = switch (config.storage().driver()) {
      case filesystem -> new FilesystemDriver(
          Path.of(config.storage().filesystem().root()), config.storage().filesystem().directIo());
      case memory -> new MemoryDriver();
      case azure -> new AzureBlobDriver(AzureClientFactory.setup(config.storage().azure()));
    };
    LOG.infof("storage: %s", driver.describe());
    return new BaseDriver(config.metrics().enabled() ? new MeteredDriver(driver, registry) : driver);
  }
}
