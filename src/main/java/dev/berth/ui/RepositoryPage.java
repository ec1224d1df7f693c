package dev.berth.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.ManifestService;
import dev.berth.registry.Page;
import dev.berth.registry.Reference;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.StorageLayout;
import dev.berth.registry.Tag;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.StorageDriver;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Singleton;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** A repository's page: its tags, each with what it points to, how big it is, when it was pushed. */
@Singleton
class RepositoryPage {
  static final int TAGS_PAGE = 50;

  private final Template template;
  private final ManifestService manifests;
  private final StorageDriver storage;

  RepositoryPage(@Location("repository.html") Template template, ManifestService manifests, StorageDriver storage) {
    this.template = template;
    this.manifests = manifests;
    this.storage = storage;
  }

  /** One tag's row. */
  @TemplateData
  record TagRow(String tag, String digest, String shortDigest, String kind, String size, List<String> platforms, String pushed) {}

  Template template() {
    return template;
  }

  TemplateInstance render(TemplateInstance page, Viewer.Looker who, String name, String last) {
    RepositoryName repo = RepositoryName.parse(name);
    Access.requirePull(who, repo);
    if (last != null && !last.isEmpty() && !Tag.isValid(last)) {
      throw new UiProblem(400, "That is not a tag to go on from.");
    }
    Page<String> tags = manifests.tags(repo, last == null || last.isEmpty() ? null : last, TAGS_PAGE);
    List<TagRow> rows = new ArrayList<>();
    for (String t : tags.items()) {
      rows.add(row(repo, new Tag(t)));
    }
    String next = tags.more() && !rows.isEmpty()
        ? "/ui/r/" + repo.value() + "?last=" + UiResource.url(rows.get(rows.size() - 1).tag()) : null;
    return page.data("repo", repo.value()).data("tags", rows).data("next", next);
  }

  private TagRow row(RepositoryName repo, Tag tag) {
    ManifestService.StoredManifest m;
    try {
      m = manifests.get(repo, new Reference.ByTag(tag));
    } catch (RegistryException e) {
      return new TagRow(tag.value(), "", "", "(deleted meanwhile)", "", List.of(), "");
    }
    JsonNode json = Summaries.json(m.bytes());
    boolean index = Summaries.isIndex(m.mediaType());
    long size = index ? Summaries.indexSize(manifests, repo, json) : Summaries.imageSize(json);
    String pushed = storage.stat(StorageLayout.tag(repo, tag)).map(ObjectInfo::modified)
        .map(i -> DateTimeFormatter.ISO_INSTANT.format(i.truncatedTo(ChronoUnit.SECONDS))).orElse("");
    return new TagRow(tag.value(), m.digest().toString(), Summaries.shortDigest(m.digest().toString()), Summaries.kind(m.mediaType()), Summaries.bytes(size),
        index ? Summaries.platforms(json) : List.of(), pushed);
  }
}
