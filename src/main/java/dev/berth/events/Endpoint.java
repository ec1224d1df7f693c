package dev.berth.events;

import dev.berth.config.BerthConfig;
import dev.berth.registry.RepositoryPattern;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One configured webhook endpoint, parsed: where to, which events, and how to deliver them.
 * {@link #toString()} names the endpoint only: headers and the secret are credentials.
 */
record Endpoint(String name, URI url, List<RepositoryPattern> repositories, Set<String> actions,
    Map<String, String> headers, Optional<byte[]> secret, int queueSize, Duration timeout, int maxAttempts,
    Duration backoff) {

  /** The longest wait between two attempts, however many there are. */
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  Endpoint {
    repositories = List.copyOf(repositories);
    actions = Set.copyOf(actions);
    headers = Map.copyOf(headers);
  }

  /** @throws IllegalArgumentException for an invalid URL or repository pattern */
  static Endpoint of(String name, BerthConfig.Endpoint c) {
    URI url = URI.create(c.url().trim());
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("berth.events.endpoints." + name + ".url is not an http(s) URL");
    }
    c.headers().forEach((header, value) -> {
      try {
        java.net.http.HttpRequest.newBuilder(url).header(header, value);
      } catch (IllegalArgumentException e) { // no value in the message: it may be a credential
        throw new IllegalArgumentException("berth.events.endpoints." + name + ".headers." + header
            + " is not a header a webhook can set (restricted name or invalid value)");
      }
    });
    return new Endpoint(name, url,
        c.repositories().stream().map(String::trim).map(RepositoryPattern::parse).toList(),
        Set.copyOf(c.actions().stream().map(String::trim).toList()),
        c.headers(),
        c.secret().map(s -> s.value().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        c.queueSize(), c.timeout(), c.maxAttempts(), c.backoff());
  }

  boolean wants(RegistryEvent e) {
    return actions.contains(e.kind().action()) && repositories.stream().anyMatch(p -> p.matches(e.repository()));
  }

  /** The wait before attempt {@code attempt} (2, 3, ...): the backoff, doubled per further attempt. */
  Duration delayBefore(int attempt) {
    Duration d = backoff;
    for (int i = 2; i < attempt && d.compareTo(MAX_BACKOFF) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  @Override
  public String toString() {
    return name;
  }
}
