package dev.berth.storage;

import dev.berth.config.BerthConfig;
import dev.berth.config.Secret;
import dev.berth.storage.azure.AzureBlobDriver;
import dev.berth.storage.azure.AzureSettings;
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
      case azure -> AzureBlobDriver.connect(azureSettings(config.storage().azure()));
    };
    LOG.infof("storage: %s", describe(driver, config));
    return driver;
  }

  static AzureSettings azureSettings(BerthConfig.Azure a) {
    AzureSettings.Auth auth = switch (a.auth()) {
      case CONNECTION_STRING -> AzureSettings.Auth.CONNECTION_STRING;
      case SHARED_KEY -> AzureSettings.Auth.SHARED_KEY;
      case SAS -> AzureSettings.Auth.SAS;
      case DEFAULT_CREDENTIAL -> AzureSettings.Auth.DEFAULT_CREDENTIAL;
      case AUTO -> a.connectionString().isPresent() ? AzureSettings.Auth.CONNECTION_STRING
          : a.accountKey().isPresent() ? AzureSettings.Auth.SHARED_KEY
          : a.sasToken().isPresent() ? AzureSettings.Auth.SAS
          : AzureSettings.Auth.DEFAULT_CREDENTIAL;
    };
    return new AzureSettings(auth,
        a.endpoint().orElse(null),
        a.accountName().orElse(null),
        a.accountKey().map(Secret::value).orElse(null),
        a.connectionString().map(Secret::value).orElse(null),
        a.sasToken().map(Secret::value).orElse(null),
        a.managedIdentityClientId().orElse(null),
        a.container(),
        a.root().orElse(null),
        a.createContainer(),
        a.blockSize(),
        a.timeout(),
        a.maxRetries(),
        a.connectTimeout());
  }

  /** Creating the driver at startup turns bad storage configuration into a startup error. */
  void onStart(@Observes StartupEvent event, StorageDriver storage) {
    storage.name();
  }

  private static String describe(StorageDriver driver, BerthConfig config) {
    if (driver instanceof FilesystemDriver fs) {
      return "filesystem at " + fs.root();
    }
    if (driver instanceof AzureBlobDriver az) {
      return az.describe();
    }
    return driver.name();
  }
}
