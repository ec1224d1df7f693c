package dev.berth.events;

import dev.berth.config.BerthConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Sends registry events to the configured webhook endpoints ({@code berth.events.endpoints.*}):
 * {@link #publish} renders the CloudEvent once and hands it to each interested endpoint's
 * {@link Sender} without waiting, so a delivery never delays or fails the request that caused it.
 */
@Singleton
public class Events {
  private static final Logger LOG = Logger.getLogger(Events.class);

  private final String source;
  private final Map<Endpoint, Sender> senders = new java.util.LinkedHashMap<>();
  /** The actions some endpoint takes ({@code pull} and {@code cache} are opt-in). */
  private final java.util.Set<String> actions = new java.util.HashSet<>();

  public Events(BerthConfig config, Instance<MeterRegistry> meters) {
    this.source = config.events().source().trim();
    DeliveryMetrics metrics = new DeliveryMetrics(meters.isResolvable() ? Optional.of(meters.get()) : Optional.empty());
    List<String> names = new ArrayList<>();
    new TreeMap<>(config.events().endpoints()).forEach((name, c) -> {
      Endpoint e = Endpoint.of(name, c);
      senders.put(e, new Sender(e, metrics));
      names.add(name + " " + e.actions() + " " + e.repositories());
    });
    senders.keySet().forEach(e -> actions.addAll(e.actions()));
    if (!names.isEmpty()) {
      LOG.infof("webhooks: %s", String.join(", ", names));
    }
  }

  /** Whether any endpoint takes events of this kind (so a pull or a cache fill needn't build one for nobody). */
  public boolean wanted(RegistryEvent.Kind kind) {
    return actions.contains(kind.action());
  }

  /** Queues the event for every endpoint whose filter it passes; never blocks, never throws for delivery. */
  public void publish(RegistryEvent event) {
    byte[] body = null;
    for (Map.Entry<Endpoint, Sender> s : senders.entrySet()) {
      if (s.getKey().wants(event)) {
        if (body == null) {
          body = event.toCloudEvent(source, UUID.randomUUID(), Instant.now());
        }
        s.getValue().offer(body);
      }
    }
  }

  @PreDestroy
  void close() {
    senders.values().forEach(Sender::close);
  }
}
