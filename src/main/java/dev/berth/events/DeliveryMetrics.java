package dev.berth.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/**
 * {@code berth_webhook_deliveries_total{endpoint,outcome}} (outcome {@code delivered}: a 2xx;
 * {@code retried}: an attempt failed and another follows; {@code failed}: the last attempt failed,
 * the event is given up) and {@code berth_webhook_dropped_total{endpoint}} (the queue was full).
 * Without a meter registry nothing is counted here (the log still reports drops).
 */
final class DeliveryMetrics {
  private final Optional<MeterRegistry> registry;

  DeliveryMetrics(Optional<MeterRegistry> registry) {
    this.registry = registry;
  }

  void delivery(String endpoint, String outcome) {
    registry.ifPresent(r -> Counter.builder("berth.webhook.deliveries")
        .description("Webhook delivery attempts by outcome")
        .tag("endpoint", endpoint).tag("outcome", outcome).register(r).increment());
  }

  void dropped(String endpoint) {
    registry.ifPresent(r -> Counter.builder("berth.webhook.dropped")
        .description("Webhook events dropped because the endpoint's queue was full")
        .tag("endpoint", endpoint).register(r).increment());
  }
}
