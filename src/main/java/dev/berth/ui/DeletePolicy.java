package dev.berth.ui;

import dev.berth.config.BerthConfig;
import dev.berth.proxy.ProxyService;
import dev.berth.registry.RepositoryName;
import jakarta.inject.Singleton;

/**
 * Whether the registry lets anything in a repository be deleted at all, whoever asks: the API's
 * refusals ({@code berth.delete.enabled}, {@code berth.read-only}, pull-through caches), so that
 * pages offer no delete the form would refuse. Who may delete is the rules' question.
 */
@Singleton
public class DeletePolicy {
  private final boolean on;
  private final ProxyService proxy;

  public DeletePolicy(BerthConfig config, ProxyService proxy) {
    this.on = config.delete().enabled() && !config.readOnly();
    this.proxy = proxy;
  }

  /** Why nothing in the repository can be deleted, or null when deletes are possible. */
  String refusal(RepositoryName repo) {
    if (!on) {
      return "Deletes are disabled on this registry.";
    }
    return proxy.proxied(repo) ? "Repository " + repo + " is a pull-through cache of an upstream: it can't be written to." : null;
  }

  boolean possible(String repository) {
    try {
      return refusal(new RepositoryName(repository)) == null;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
