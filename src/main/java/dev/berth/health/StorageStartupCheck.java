package dev.berth.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once storage has answered one time; after that it stays UP (readiness takes over). */
@Startup
@ApplicationScoped
public class StorageStartupCheck implements HealthCheck {
  private final StorageProbe probe;
  private volatile boolean started;

  public StorageStartupCheck(StorageProbe probe) {
    this.probe = probe;
  }

  @Override
  public HealthCheckResponse call() {
    if (!started) {
      started = probe.check().up();
    }
    return started ? HealthCheckResponse.up("storage-started") : HealthCheckResponse.down("storage-started");
  }
}
