package dev.berth.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when storage answers with the configured credentials (checked lazily, cached); DOWN says why in {@code reason}. */
@Readiness
@ApplicationScoped
public class StorageReadinessCheck implements HealthCheck {
  private final StorageProbe probe;

  public StorageReadinessCheck(StorageProbe probe) {
    this.probe = probe;
  }

  @Override
  public HealthCheckResponse call() {
    StorageProbe.Result r = probe.check();
    HealthCheckResponseBuilder b = HealthCheckResponse.named("storage").withData("driver", probe.driverName());
    return r.up() ? b.up().build() : b.down().withData("reason", r.reason()).build();
  }
}
