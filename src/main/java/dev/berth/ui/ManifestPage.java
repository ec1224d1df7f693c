package dev.berth.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.BlobService;
import dev.berth.registry.Digest;
import dev.berth.registry.ManifestService;
import dev.berth.registry.Reference;
import dev.berth.registry.ReferrersService;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.Tag;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/** A manifest's or an index's page: layers and config, or children per platform; referrers as a tree; pull commands. */
@Singleton
class ManifestPage {
  /** Referrers of referrers (a signature of an SBOM) are followed this deep. */
  static final int MAX_DEPTH = 3;
  /** A tree stops growing past this many referrers (a page stays small). */
  static final int MAX_REFERRERS = 200;

  private final Template template;
  private final ManifestService manifests;
  private final ReferrersService referrers;
  private final BlobService blobs;

  ManifestPage(@Location("manifest.html") Template template, ManifestService manifests, ReferrersService referrers, BlobService blobs) {
    this.template = template;
    this.manifests = manifests;
    this.referrers = referrers;
    this.blobs = blobs;
  }

  /** A blob or a child manifest. */
  @TemplateData
  record Item(String mediaType, String digest, String size, String platform) {}

  /** A referrer in the tree, {@code depth} 0 for the manifest's own. */
  @TemplateData
  record Referrer(int depth, String kind, String artifactType, String digest, String size, List<ImageConfig.Entry> annotations) {}

  /** A command to copy. */
  @TemplateData
  record Command(String label, String text) {}

  Template template() {
    return template;
  }

  TemplateInstance render(TemplateInstance page, Viewer.Looker who, String name, String digestText, String tagText, String host) {
    RepositoryName repo = RepositoryName.parse(name);
    Digest digest = Digest.parse(digestText);
    Access.requirePull(who, repo);
    Tag tag = tagText == null || tagText.isEmpty() ? null : new Tag(tagText);
    ManifestService.StoredManifest m = manifests.get(repo, new Reference.ByDigest(digest));
    JsonNode json = Summaries.json(m.bytes());
    boolean index = Summaries.isIndex(m.mediaType());
    List<Item> children = new ArrayList<>();
    List<Item> layers = new ArrayList<>();
    Item config = null;
    ImageConfig image = null;
    if (index) {
      json.path("manifests").forEach(c -> children.add(item(c)));
    } else {
      config = item(json.path("config"));
      json.path("layers").forEach(l -> layers.add(item(l)));
      image = ImageConfig.read(blobs, repo, json.path("config"));
    }
    List<Referrer> tree = new ArrayList<>();
    referrersOf(repo, digest, 0, tree);
    String subject = json.path("subject").path("digest").asText("");
    String by = host + "/" + repo.value() + "@" + digest;
    List<Command> commands = new ArrayList<>();
    if (tag != null) {
      commands.add(new Command("docker", "docker pull " + host + "/" + repo.value() + ":" + tag.value()));
      commands.add(new Command("podman", "podman pull " + host + "/" + repo.value() + ":" + tag.value()));
    } else {
      commands.add(new Command("docker", "docker pull " + by));
      commands.add(new Command("podman", "podman pull " + by));
    }
    commands.add(new Command("digest", by));
    return page.data("repo", repo.value()).data("digest", digest.toString()).data("shortDigest", Summaries.shortDigest(digest.toString())).data("tag", tag == null ? "" : tag.value())
        .data("kind", Summaries.kind(m.mediaType())).data("mediaType", m.mediaType()).data("index", index)
        .data("size", Summaries.bytes(index ? Summaries.indexSize(manifests, repo, json) : Summaries.imageSize(json)))
        .data("children", children).data("config", config).data("layers", layers).data("image", image)
        .data("annotations", ImageConfig.entries(json.path("annotations"))).data("artifactType", json.path("artifactType").asText(""))
        .data("subject", subject).data("referrers", tree).data("commands", commands);
  }

  private static Item item(JsonNode d) {
    return new Item(d.path("mediaType").asText(""), d.path("digest").asText(""),
        Summaries.bytes(d.path("size").asLong(0)), Summaries.platform(d));
  }

  private void referrersOf(RepositoryName repo, Digest subject, int depth, List<Referrer> out) {
    JsonNode list = Summaries.json(referrers.list(repo, subject, null).index());
    for (JsonNode r : list.path("manifests")) {
      if (out.size() >= MAX_REFERRERS) {
        return;
      }
      String type = r.path("artifactType").asText("");
      out.add(new Referrer(depth, Summaries.artifactKind(type), type, r.path("digest").asText(""),
          Summaries.bytes(r.path("size").asLong(0)), ImageConfig.entries(r.path("annotations"))));
      if (depth + 1 < MAX_DEPTH) {
        try {
          referrersOf(repo, Digest.parse(r.path("digest").asText("")), depth + 1, out);
        } catch (dev.berth.registry.RegistryException e) {
          // a malformed stored descriptor: show it, don't follow it
        }
      }
    }
  }
}
