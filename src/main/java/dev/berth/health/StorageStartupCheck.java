package dev.berth.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;

/**
 * Started once storage has answered one time; after that it stays UP (readiness takes over).
 * Until then it is DOWN with the {@code reason}, and the process keeps running and retrying:
 * a platform restarting it would not fix storage.
 */
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
    HealthCheckResponseBuilder b = HealthCheckResponse.named("storage-started");
    if (started) {
      return b.up().build();
    }
    StorageProbe.Result r = probe.check();
    started = r.up();
    return started ? b.up().build() : b.down().withData("reason", r.reason()).build();
  }
}
