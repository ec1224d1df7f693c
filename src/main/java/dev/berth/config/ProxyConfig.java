package dev.berth.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The pull-through cache ({@code berth.proxy}; README "Pull-through cache"). */
public interface ProxyConfig {
  /**
   * The upstream registries, by name: {@code /v2/<name>/<repository>/...} is served from
   * {@code <repository>} of that upstream and cached in Berth's storage under the prefixed name.
   */
  Map<String, Upstream> upstreams();

  /**
   * Mirror mode: the name of one of {@link #upstreams()} that serves pulls of repositories that
   * are under no upstream's name and don't exist locally ({@code library/alpine} as
   * {@code <name>/library/alpine}), as dockerd's {@code registry-mirrors} asks. None (the
   * default): such pulls find nothing.
   */
  Optional<String> defaultUpstream();

  /**
   * How often a replica writes the pull times it recorded in memory (which cached manifest was
   * served when) to storage, merged with what other replicas wrote; and once at shutdown. GC's
   * cache eviction ranks manifests by them. Default {@code PT5M}: keep it well below
   * {@code berth.gc.grace}, since a pull not written yet is unseen by a GC run on another process.
   */
  @WithDefault("PT5M")
  Duration pullFlushInterval();

  /** One upstream registry. */
  interface Upstream {
    /** Its base URL, {@code https://registry-1.docker.io} (scheme, host, optional port; no path). */
    String url();

    /** The account Berth signs in with (Basic, or at the upstream's token realm); none: anonymous. */
    Optional<String> username();

    /** The password of {@code username}. */
    Optional<Secret> password();

    /** A file holding a bearer token sent to the upstream as is (re-read when it changes); instead of username and password. */
    Optional<String> tokenFile();

    /**
     * Hosts besides the upstream's own whose token realm Berth may sign in at (the account goes
     * there): Docker Hub's registry is {@code registry-1.docker.io}, its realm {@code auth.docker.io}.
     * None: only the upstream's host.
     */
    Optional<List<String>> realmHosts();

    /**
     * The {@code ns=} values (registry hosts, {@code host[:port]}) this upstream serves: a pull of
     * {@code /v2/<repository>/...?ns=<namespace>} (containerd through a {@code hosts.toml} mirror)
     * is served as {@code <name>/<repository>}. A namespace can be listed by one upstream only.
     * None (the default): the URL's {@code host[:port]}, and for {@code https://registry-1.docker.io}
     * also {@code docker.io}, the name containerd sends for Docker Hub; such a default yields to an
     * upstream that lists it, and one that several upstreams share (the same registry with two
     * accounts) belongs to none of them ({@link UpstreamNamespaces}).
     */
    Optional<List<String>> namespaces();

    /** How long a tag fetched from the upstream is served before a HEAD checks whether it moved. */
    @WithDefault("PT5M")
    Duration tagTtl();

    /**
     * The byte budget of what is cached from this upstream (distinct blobs and manifests of its
     * repositories, each once): over it, GC evicts the least recently pulled manifests first.
     * None (the default): unbounded.
     */
    Optional<MemorySize> maxBytes();

    /** How Berth checks the upstream's TLS certificate (and its token realm's, and redirect targets'). */
    Tls tls();
  }

  /** TLS towards one upstream. */
  interface Tls {
    /**
     * A PEM file of CA certificates trusted for this upstream in addition to the JDK's default
     * trust store (so a public token realm or CDN still works): a private registry's CA. Read and
     * checked at startup. None (the default): the JDK's trust store alone.
     */
    Optional<String> caFile();
  }
}
