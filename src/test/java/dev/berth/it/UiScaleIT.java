package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The catalog page with 10,000 repositories: it is paged from storage (one listing a page), so its
 * first page, a later page and a filter that matches nothing (a scan of every name) stay fast.
 * The repositories are written straight into storage (a tag each): the catalog reads only the
 * listing. {@link AzureUiScaleIT} repeats it on Azurite.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class UiScaleIT {
  @RegisterExtension
  static final RegistryExtension REGISTRY = new RegistryExtension();
  static final int REPOSITORIES = 10_000;
  static final String TAG = "sha256:" + "a".repeat(64);

  /** The storage key of every seeded repository's tag. */
  static List<String> keys() {
    return IntStream.range(0, REPOSITORIES).mapToObj(i -> String.format("repositories/scale,r%05d/_tags/latest", i)).toList();
  }

  /** Writes the keys into the registry's storage. */
  void seed(List<String> keys) {
    Path root = REGISTRY.registry().dataDir();
    keys.parallelStream().forEach(k -> {
      try {
        Path p = root.resolve(k);
        Files.createDirectories(p.getParent());
        Files.writeString(p, TAG);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  String storageName() {
    return "filesystem";
  }

  @Test
  void catalogOf10000_rendersFast() throws Exception {
    long t0 = System.nanoTime();
    seed(keys());
    System.out.printf("[ui-scale] %s: %d repositories seeded in %d ms%n", storageName(), REPOSITORIES, (System.nanoTime() - t0) / 1_000_000);
    HttpClient http = HttpClient.newHttpClient();
    String base = REGISTRY.registry().url();
    // A page's own next link resumes the storage listing where it ended; a typed-in name far down
    // (cold) makes Azure list from the start, hence its looser bound.
    for (String[] c : new String[][] {{"first page", "/ui", "5000"}, {"next page (its link)", "/ui?last=scale/r00099", "5000"},
        {"page after r05000 (cold)", "/ui?last=scale/r05000", "15000"}, {"filter matching nothing (reads all)", "/ui?q=nothing-matches", "5000"}}) {
      long[] ms = new long[3];
      String body = "";
      for (int i = -1; i < ms.length; i++) { // one warm-up request
        long s = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + c[1])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), c[1]);
        if (i >= 0) {
          ms[i] = (System.nanoTime() - s) / 1_000_000;
        }
        body = r.body();
      }
      Arrays.sort(ms);
      System.out.printf("[ui-scale] %s: %s: median %d ms (min %d, max %d), %d B%n", storageName(), c[0], ms[1], ms[0], ms[2], body.length());
      if (c[1].equals("/ui")) {
        assertTrue(body.contains("scale/r00099") && !body.contains("scale/r00100") && body.contains("rel=\"next\""), "100 a page");
      }
      assertTrue(ms[1] < Long.parseLong(c[2]), c[0] + " took " + ms[1] + " ms");
    }
  }
}
