package dev.berth.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.Json;
import dev.berth.registry.RepositoryPattern;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A robot account: a long-lived secret for a pipeline, with its own scopes and an expiry. Only
 * the SHA-256 of the secret is stored (the secret is 256 random bits, so a fast hash is enough
 * and a stolen store yields no secret); the secret itself is shown once, at creation.
 */
public record Robot(String id, String name, Grant grant, Instant created, Instant expires, String createdBy, String secretHash) {
  /** Robot names: like a repository-name component, short enough for a log line. */
  static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?");

  public boolean expired(Instant now) {
    return !now.isBefore(expires);
  }

  /** Its actions as the rules file names them, in {@link Action}'s order. */
  public List<String> actionNames() {
    return Arrays.stream(Action.values()).filter(grant.actions()::contains).map(Action::wire).toList();
  }

  /** The stored form, and what the admin API shows (with {@code secret}, only at creation). */
  public ObjectNode json(boolean withHash) {
    ObjectNode o = Json.object().put("id", id).put("name", name);
    ArrayNode repos = o.putArray("repositories");
    grant.repositories().forEach(p -> repos.add(p.text()));
    ArrayNode actions = o.putArray("actions");
    actionNames().forEach(actions::add);
    o.put("created", created.toString()).put("expires", expires.toString()).put("createdBy", createdBy);
    if (withHash) {
      o.put("secretHash", secretHash);
    }
    return o;
  }

  static Robot parse(byte[] data) throws IOException {
    JsonNode o = Json.parse(data);
    List<RepositoryPattern> repos = new ArrayList<>();
    o.path("repositories").forEach(r -> repos.add(RepositoryPattern.parse(r.asText())));
    Set<Action> actions = EnumSet.noneOf(Action.class);
    o.path("actions").forEach(a -> actions.add(Action.parse(a.asText())));
    try {
      return new Robot(text(o, "id"), text(o, "name"), new Grant(repos, actions), Instant.parse(text(o, "created")),
          Instant.parse(text(o, "expires")), text(o, "createdBy"), text(o, "secretHash"));
    } catch (RuntimeException e) {
      throw new IOException("not a robot account record: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode o, String field) throws IOException {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException("robot account record without " + field);
    }
    return v.asText();
  }
}
