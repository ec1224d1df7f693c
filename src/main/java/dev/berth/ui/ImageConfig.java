package dev.berth.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.BlobService;
import dev.berth.registry.Digest;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import io.quarkus.qute.TemplateData;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What an image's config says (created, env, entrypoint, cmd, labels, history), read from its
 * blob when it is an image config of at most {@link #MAX_BYTES}; every text is shown escaped.
 */
@TemplateData
record ImageConfig(String created, List<String> env, String entrypoint, String cmd, String user, String workdir,
    List<Entry> labels, List<History> history) {
  static final int MAX_BYTES = 1 << 20;

  /** A label or an annotation. */
  @TemplateData
  record Entry(String key, String value) {}

  /** One history step. */
  @TemplateData
  record History(String created, String createdBy, boolean empty) {}

  /** The config of an image manifest, or null when it is not an image config or cannot be read. */
  static ImageConfig read(BlobService blobs, RepositoryName repo, JsonNode config) {
    String type = config.path("mediaType").asText("");
    long size = config.path("size").asLong(-1);
    if (!(type.endsWith("image.config.v1+json") || type.equals("application/vnd.docker.container.image.v1+json"))
        || size < 0 || size > MAX_BYTES) {
      return null;
    }
    JsonNode c;
    try (InputStream in = blobs.open(repo, Digest.parse(config.path("digest").asText("")), 0, size).openStream()) {
      c = Summaries.json(in.readNBytes(MAX_BYTES));
    } catch (IOException | RegistryException | dev.berth.storage.StorageException e) {
      return null;
    }
    JsonNode cc = c.path("config");
    List<String> env = new ArrayList<>();
    cc.path("Env").forEach(e -> env.add(e.asText()));
    List<History> history = new ArrayList<>();
    c.path("history").forEach(h -> history.add(new History(h.path("created").asText(""),
        h.path("created_by").asText(""), h.path("empty_layer").asBoolean(false))));
    return new ImageConfig(c.path("created").asText(""), env, words(cc.path("Entrypoint")), words(cc.path("Cmd")),
        cc.path("User").asText(""), cc.path("WorkingDir").asText(""), entries(cc.path("Labels")), history);
  }

  /** An object's string fields as entries (annotations, labels). */
  static List<Entry> entries(JsonNode object) {
    List<Entry> out = new ArrayList<>();
    object.fields().forEachRemaining(e -> out.add(new Entry(e.getKey(), e.getValue().asText())));
    return out;
  }

  /** An exec-form array as one line, each word quoted as JSON would. */
  private static String words(JsonNode array) {
    return array.isArray() && !array.isEmpty() ? array.toString() : "";
  }
}
