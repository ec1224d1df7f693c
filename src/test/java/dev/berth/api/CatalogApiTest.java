package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.follow;
import static dev.berth.api.ApiTestSupport.nextLink;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.pushImage;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v2/_catalog?n=&last=}. Other test classes push to the same registry, so these tests
 * check their own repositories within the whole catalog.
 */
@QuarkusTest
class CatalogApiTest {
  private static final Pattern NEXT = Pattern.compile("/v2/_catalog\\?n=(\\d+)&last=([^&]+)");

  /** Repositories with names that sort differently once '/' is part of them. */
  private static List<String> pushRepositories() {
    String base = repo("catalog");
    List<String> names = List.of(base, base + "/a", base + "/a/b", base + "-x", base + ".y", base + "_z", base + "/a-b", base + "0");
    for (String n : names) {
      pushBlob(n, randomBytes(4));
    }
    return names;
  }

  /** Walks the whole catalog n at a time; returns every name in the order listed. */
  private static List<String> walk(int n) {
    List<String> all = new ArrayList<>();
    Response page = api().queryParam("n", n).get("/v2/_catalog");
    for (int pages = 0; ; pages++) {
      page.then().statusCode(200).contentType(startsWith("application/json"));
      List<String> names = page.jsonPath().getList("repositories", String.class);
      assertTrue(names.size() <= n, "page larger than n");
      all.addAll(names);
      String next = nextLink(page);
      if (next == null) {
        return all;
      }
      Matcher m = NEXT.matcher(next);
      assertTrue(m.matches(), next);
      assertEquals(String.valueOf(n), m.group(1));
      assertEquals(names.get(names.size() - 1), URLDecoder.decode(m.group(2), StandardCharsets.UTF_8));
      assertTrue(pages < 10_000, "pagination does not end");
      page = follow(next);
    }
  }

  private static void assertEachExactlyOnce(List<String> expected, List<String> listed) {
    Set<String> seen = new HashSet<>();
    for (String name : listed) {
      assertTrue(seen.add(name), "listed twice: " + name);
    }
    for (String name : expected) {
      assertTrue(seen.contains(name), "not listed: " + name);
    }
  }

  @Test
  void catalog_listsEveryRepositoryOnce() {
    List<String> mine = pushRepositories();
    Response r = api().get("/v2/_catalog");
    r.then().statusCode(200).contentType(startsWith("application/json"));
    assertEachExactlyOnce(mine, r.jsonPath().getList("repositories", String.class));
  }

  @Test
  void catalog_paginatedWithLink_everyRepositoryExactlyOnce() {
    List<String> mine = pushRepositories();
    assertEachExactlyOnce(mine, walk(3));
  }

  @Test
  void catalog_pageOfOne_everyRepositoryExactlyOnce() {
    List<String> mine = pushRepositories();
    assertEachExactlyOnce(mine, walk(1));
  }

  @Test
  void catalog_pagesAgreeWithTheFullListing() {
    pushRepositories();
    List<String> full = api().queryParam("n", 1000).get("/v2/_catalog").jsonPath().getList("repositories", String.class);
    assertEquals(full, walk(7));
  }

  @Test
  void catalog_firstPageHasLinkWithN() {
    pushRepositories();
    Response r = api().queryParam("n", 1).get("/v2/_catalog");
    r.then().statusCode(200);
    List<String> names = r.jsonPath().getList("repositories", String.class);
    assertEquals(1, names.size());
    String expected = "</v2/_catalog?n=1&last="
        + java.net.URLEncoder.encode(names.get(0), StandardCharsets.UTF_8) + ">; rel=\"next\"";
    assertEquals(expected, r.header("Link"));
  }

  @Test
  void catalog_lastIsExcluded() {
    List<String> mine = pushRepositories();
    List<String> full = api().queryParam("n", 1000).get("/v2/_catalog").jsonPath().getList("repositories", String.class);
    String last = mine.get(1);
    List<String> after = api().queryParam("last", last).queryParam("n", 1000).get("/v2/_catalog")
        .jsonPath().getList("repositories", String.class);
    assertEquals(full.subList(full.indexOf(last) + 1, full.size()), after);
  }

  @Test
  void catalog_repositoryWithManifestsListed() {
    String repo = repo("catalog") + "/image";
    pushImage(repo, "latest");
    assertTrue(walk(1000).contains(repo));
  }

  @Test
  void catalog_nZero_emptyPage() {
    pushRepositories();
    api().queryParam("n", 0).get("/v2/_catalog").then().statusCode(200).body("repositories", empty());
  }

  @Test
  void catalog_invalidN_400() {
    assertError(api().queryParam("n", "abc").get("/v2/_catalog"), 400, "PAGINATION_NUMBER_INVALID");
    assertError(api().queryParam("n", "-1").get("/v2/_catalog"), 400, "PAGINATION_NUMBER_INVALID");
  }

  @Test
  void catalog_invalidLast_400NameInvalid() {
    assertError(api().queryParam("last", "Not/Valid").get("/v2/_catalog"), 400, "NAME_INVALID");
  }
}
