package dev.berth.api;

import static dev.berth.api.ApiTestSupport.OCI_MANIFEST;
import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.assertError;
import static dev.berth.api.ApiTestSupport.bytes;
import static dev.berth.api.ApiTestSupport.follow;
import static dev.berth.api.ApiTestSupport.image;
import static dev.berth.api.ApiTestSupport.nextLink;
import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.pushConfig;
import static dev.berth.api.ApiTestSupport.pushLayer;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /v2/<name>/tags/list?n=&last=}. */
@QuarkusTest
class TagListApiTest {
  // Deliberately not in order; lexical (byte) order puts digits, then upper case, then '_', then lower case.
  private static final List<String> TAGS = List.of("v2", "latest", "V1", "10", "9", "_x", "a.b", "a-b", "a", "b_1", "1.0");

  /** Pushes one manifest under all the tags (one PUT with ?tag= parameters). */
  private static void pushTagged(String repo, List<String> tags) {
    byte[] body = bytes(image(OCI_MANIFEST, pushConfig(repo), pushLayer(repo)));
    var req = api().contentType(OCI_MANIFEST).body(body);
    for (String t : tags) {
      req = req.queryParam("tag", t);
    }
    req.put("/v2/" + repo + "/manifests/" + sha256(body)).then().statusCode(201);
  }

  private static String tagsList(String repo) {
    return "/v2/" + repo + "/tags/list";
  }

  private static List<String> sorted(List<String> tags) {
    List<String> s = new ArrayList<>(tags);
    s.sort(null);
    return s;
  }

  @Test
  void tagsList_allTagsSortedLexically() {
    String repo = repo("tags");
    pushTagged(repo, TAGS);
    Response r = api().get(tagsList(repo));
    r.then().statusCode(200).contentType(startsWith("application/json"));
    assertEquals(repo, r.jsonPath().getString("name"));
    assertEquals(sorted(TAGS), r.jsonPath().getList("tags", String.class));
    assertEquals(List.of("1.0", "10", "9", "V1", "_x", "a", "a-b", "a.b", "b_1", "latest", "v2"),
        r.jsonPath().getList("tags", String.class));
    assertNull(r.header("Link"));
  }

  @Test
  void tagsList_nestedRepositoryName() {
    String repo = repo("tags") + "/sub/app";
    pushTagged(repo, List.of("one", "two"));
    Response r = api().get(tagsList(repo));
    r.then().statusCode(200);
    assertEquals(repo, r.jsonPath().getString("name"));
    assertEquals(List.of("one", "two"), r.jsonPath().getList("tags", String.class));
  }

  @Test
  void tagsList_paginatedWithLinkHeader() {
    String repo = repo("tags");
    pushTagged(repo, TAGS);
    List<String> expected = sorted(TAGS);
    Response first = api().queryParam("n", 3).get(tagsList(repo));
    first.then().statusCode(200);
    assertEquals(expected.subList(0, 3), first.jsonPath().getList("tags", String.class));
    assertEquals("</v2/" + repo + "/tags/list?n=3&last=" + expected.get(2) + ">; rel=\"next\"", first.header("Link"));
  }

  @Test
  void tagsList_followingLinksReturnsTheRest() {
    String repo = repo("tags") + "/nested";
    pushTagged(repo, TAGS);
    List<String> all = new ArrayList<>();
    Response page = api().queryParam("n", 2).get(tagsList(repo));
    int pages = 0;
    while (true) {
      page.then().statusCode(200);
      List<String> tags = page.jsonPath().getList("tags", String.class);
      assertTrue(tags.size() <= 2, "page size");
      all.addAll(tags);
      pages++;
      String next = nextLink(page);
      if (next == null) {
        break;
      }
      assertTrue(next.startsWith("/v2/" + repo + "/tags/list?"), next);
      assertTrue(pages < 20, "pagination does not end");
      page = follow(next);
    }
    assertEquals(sorted(TAGS), all);
    assertEquals((TAGS.size() + 1) / 2, pages);
  }

  @Test
  void tagsList_exactlyNTags_noLink() {
    String repo = repo("tags");
    pushTagged(repo, List.of("a", "b", "c"));
    Response r = api().queryParam("n", 3).get(tagsList(repo));
    r.then().statusCode(200);
    assertEquals(List.of("a", "b", "c"), r.jsonPath().getList("tags", String.class));
    assertNull(r.header("Link"));
  }

  @Test
  void tagsList_nLargerThanCount_allTagsNoLink() {
    String repo = repo("tags");
    pushTagged(repo, TAGS);
    Response r = api().queryParam("n", 1000).get(tagsList(repo));
    assertEquals(sorted(TAGS), r.jsonPath().getList("tags", String.class));
    assertNull(r.header("Link"));
  }

  @Test
  void tagsList_lastOnly_tagsAfterIt() {
    String repo = repo("tags");
    pushTagged(repo, TAGS);
    List<String> expected = sorted(TAGS);
    Response r = api().queryParam("last", "a-b").get(tagsList(repo));
    r.then().statusCode(200);
    assertEquals(expected.subList(expected.indexOf("a-b") + 1, expected.size()), r.jsonPath().getList("tags", String.class));
  }

  @Test
  void tagsList_lastNotATag_tagsAfterItLexically() {
    String repo = repo("tags");
    pushTagged(repo, List.of("a", "c", "e"));
    Response r = api().queryParam("n", 1).queryParam("last", "b").get(tagsList(repo));
    assertEquals(List.of("c"), r.jsonPath().getList("tags", String.class));
    assertEquals("</v2/" + repo + "/tags/list?n=1&last=c>; rel=\"next\"", r.header("Link"));
  }

  @Test
  void tagsList_lastAfterEverything_empty() {
    String repo = repo("tags");
    pushTagged(repo, List.of("a", "b"));
    api().queryParam("last", "z").get(tagsList(repo)).then().statusCode(200).body("tags", empty());
  }

  @Test
  void tagsList_nZero_emptyPage() {
    String repo = repo("tags");
    pushTagged(repo, List.of("a", "b"));
    Response r = api().queryParam("n", 0).get(tagsList(repo));
    r.then().statusCode(200).body("tags", empty());
  }

  @Test
  void tagsList_repositoryWithoutTags_emptyList() {
    String repo = repo("tags");
    pushBlob(repo, randomBytes(4));
    api().get(tagsList(repo)).then().statusCode(200).body("tags", empty());
  }

  @Test
  void tagsList_deletedTagNotListed() {
    String repo = repo("tags");
    pushTagged(repo, List.of("a", "b", "c"));
    api().delete("/v2/" + repo + "/manifests/b").then().statusCode(202);
    Response r = api().get(tagsList(repo));
    assertEquals(List.of("a", "c"), r.jsonPath().getList("tags", String.class));
  }

  @Test
  void tagsList_unknownRepository_404NameUnknown() {
    assertError(api().get(tagsList(repo("tags"))), 404, "NAME_UNKNOWN");
    assertError(api().queryParam("n", 5).get(tagsList(repo("tags"))), 404, "NAME_UNKNOWN");
  }

  @Test
  void tagsList_unknownRepositoryWithLast_404NameUnknown() {
    // paging parameters don't make an unknown repository known
    assertError(api().queryParam("last", "a").get(tagsList(repo("tags"))), 404, "NAME_UNKNOWN");
    assertError(api().queryParam("n", 2).queryParam("last", "latest").get(tagsList(repo("tags"))), 404, "NAME_UNKNOWN");
  }

  @Test
  void tagsList_invalidN_400() {
    String repo = repo("tags");
    pushTagged(repo, List.of("a"));
    assertError(api().queryParam("n", "abc").get(tagsList(repo)), 400, "PAGINATION_NUMBER_INVALID");
    assertError(api().queryParam("n", "-1").get(tagsList(repo)), 400, "PAGINATION_NUMBER_INVALID");
    assertError(api().queryParam("n", "1.5").get(tagsList(repo)), 400, "PAGINATION_NUMBER_INVALID");
    assertError(api().queryParam("n", "99999999999999999999").get(tagsList(repo)), 400, "PAGINATION_NUMBER_INVALID");
  }

  @Test
  void tagsList_invalidRepositoryName_400NameInvalid() {
    assertError(api().get(tagsList("Invalid")), 400, "NAME_INVALID");
  }
}
