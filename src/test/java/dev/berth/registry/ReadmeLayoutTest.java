package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's storage layout is {@link StorageLayout}'s: the drawn trees are the same text, and every
 * key the layout renders matches a path of the tree, and every path of the tree is rendered.
 */
class ReadmeLayoutTest {
  private static final Pattern ENTRY = Pattern.compile("^([│ ]*)(?:├── |└── )(\\S+)");
  private static final Map<String, String> PLACEHOLDERS = Map.of(
      "<alg>", "[a-z0-9]+", "<hex[0:2]>", "[0-9a-f]{2}", "<hex>", "[0-9a-f]+",
      "<name>", "[^/]+", "<tag>", "[^/]+", "<uuid>", "[^/]+", "<id>", "[a-z2-7]+", "<upstream>", "[^/]+");

  @Test
  void readmeDrawsTheLayoutOfTheCode() throws IOException {
    assertEquals(javadocTree(), readmeTree());
  }

  @Test
  void everyRenderedKeyIsDrawnAndEveryDrawnPathIsRendered() throws IOException {
    Digest d = Digest.parse("sha256:" + "ab".repeat(32));
    RepositoryName repo = new RepositoryName("team/app");
    List<String> keys = List.of(
        StorageLayout.blobData(d),
        StorageLayout.repository(repo),
        StorageLayout.layerLink(repo, d),
        StorageLayout.manifestLink(repo, d),
        StorageLayout.tag(repo, new Tag("v1")),
        StorageLayout.referrer(repo, d, d),
        StorageLayout.uploadState("5f0c"),
        StorageLayout.uploadData("5f0c"),
        StorageLayout.robot("bsziga462qxkm3qc"),
        StorageLayout.GC_LEASE,
        StorageLayout.pullTimes("hub"),
        StorageLayout.UI_SESSION_KEY);
    List<Pattern> drawn = paths(readmeTree()).stream().map(ReadmeLayoutTest::regex).toList();
    for (String key : keys) {
      assertTrue(drawn.stream().anyMatch(p -> p.matcher(key).matches()), key + " is not drawn in README");
    }
    for (Pattern p : drawn) {
      assertTrue(keys.stream().anyMatch(k -> p.matcher(k).matches()), p + " is drawn but no key has that form");
    }
  }

  /** Full paths of the tree's entries, from their nesting ({@code repositories/<name>/_tags/<tag>}). */
  private static List<String> paths(List<String> tree) {
    List<String> out = new ArrayList<>();
    Deque<String> parents = new ArrayDeque<>();
    for (String line : tree) {
      Matcher m = ENTRY.matcher(line);
      if (!m.find()) {
        continue;
      }
      int depth = m.group(1).length() / 4;
      while (parents.size() > depth) {
        parents.removeLast();
      }
      String path = String.join("", parents) + m.group(2);
      out.add(path);
      if (path.endsWith("/")) {
        parents.addLast(m.group(2));
      }
    }
    return out;
  }

  private static Pattern regex(String path) {
    StringBuilder r = new StringBuilder();
    int i = 0;
    while (i < path.length()) {
      String ph = null;
      for (String p : PLACEHOLDERS.keySet()) {
        if (path.startsWith(p, i) && (ph == null || p.length() > ph.length())) {
          ph = p;
        }
      }
      if (ph != null) {
        r.append(PLACEHOLDERS.get(ph));
        i += ph.length();
      } else {
        r.append(Pattern.quote(String.valueOf(path.charAt(i++))));
      }
    }
    return Pattern.compile(r.toString());
  }

  private static List<String> javadocTree() throws IOException {
    String src = Files.readString(Path.of("src/main/java/dev/berth/registry/StorageLayout.java"));
    String pre = src.substring(src.indexOf("<pre>") + 5, src.indexOf("</pre>"));
    return pre.lines().map(l -> l.replaceFirst("^\\s*\\* ?", "").replace("&lt;", "<").replace("&gt;", ">").stripTrailing())
        .filter(l -> !l.isEmpty()).toList();
  }

  private static List<String> readmeTree() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("### Layout");
    assertTrue(section >= 0, "README has no '### Layout' section");
    int start = readme.indexOf("```\n", section) + 4;
    String block = readme.substring(start, readme.indexOf("```", start));
    return block.lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
  }
}
