package dev.berth.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which upstream serves which namespace ({@code ns=} value). Listed namespaces
 * ({@code berth.proxy.upstreams.<name>.namespaces}; the start-up check keeps each to one
 * upstream) come first. An upstream that lists none has its URL's {@code host[:port]}, and Docker
 * Hub's registry ({@code registry-1.docker.io}) also {@code docker.io}, the name containerd sends
 * for it, unless another upstream lists that namespace; a default namespace that several upstreams
 * share (the same registry with two accounts) belongs to none of them until one lists it.
 * Namespaces are lower-case.
 */
public final class UpstreamNamespaces {
  static final String DOCKER_HUB_REGISTRY = "registry-1.docker.io";

  private UpstreamNamespaces() {}

  /**
   * @param urls each upstream's URL, by name
   * @param listed each upstream's {@code namespaces} entries, by name (absent or empty: the defaults)
   * @return namespace -> upstream name
   */
  public static Map<String, String> owners(Map<String, String> urls, Map<String, List<String>> listed) {
    Map<String, String> owners = new HashMap<>();
    Map<String, List<String>> defaulted = new HashMap<>();
    new TreeMap<>(urls).forEach((name, url) -> {
      List<String> l = listed.get(name);
      if (l != null && !l.isEmpty()) {
        normalized(l).forEach(ns -> owners.putIfAbsent(ns, name));
      } else {
        defaults(url).forEach(ns -> defaulted.computeIfAbsent(ns, k -> new ArrayList<>()).add(name));
      }
    });
    defaulted.forEach((ns, names) -> {
      if (names.size() == 1) {
        owners.putIfAbsent(ns, names.get(0));
      }
    });
    return owners;
  }

  /** An upstream's namespaces when it lists none: its URL's host[:port], and docker.io for Docker Hub. */
  static List<String> defaults(String url) {
    URI u = URI.create(url.trim());
    String host = u.getHost().toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>(List.of(u.getPort() < 0 ? host : host + ":" + u.getPort()));
    if (host.equals(DOCKER_HUB_REGISTRY)) {
      out.add("docker.io");
    }
    return out;
  }

  /** Listed entries, trimmed, lower-case, without blanks and repeats. */
  static List<String> normalized(List<String> entries) {
    List<String> out = new ArrayList<>();
    for (String e : entries) {
      String n = e.trim().toLowerCase(Locale.ROOT);
      if (!n.isEmpty() && !out.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }
}
