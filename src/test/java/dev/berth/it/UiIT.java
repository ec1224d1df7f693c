package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * The web UI in headless Chromium against the packaged registry, with content skopeo pushed (a
 * two-platform index, an image with labels) and referrers pushed over HTTP: browse the catalog,
 * filter it as you type, page on, open a repository, an index, a child, an image's config and
 * its referrer tree, copy a pull command; markup from labels and annotations shows as text and
 * never runs. Screenshots go to {@code target/screenshots/}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiIT {
  @RegisterExtension
  static final RegistryExtension REGISTRY = new RegistryExtension();
  static final int FILLERS = 101;

  Path work;
  Browser browser;
  String base;
  OciLayout.Blob labelled;
  OciLayout.Blob sbom;
  OciLayout.Blob signature;

  @BeforeAll
  void pushAndStart() throws Exception {
    String skopeo = Cmd.require("skopeo", "skopeo");
    work = TempDirs.create("berth-ui-");
    OciLayout layout = OciLayout.create(work.resolve("layout"));
    List<OciLayout.Image> platforms = UiContent.index(layout);
    labelled = UiContent.labelled(layout);
    String host = REGISTRY.registry().hostPort();
    for (String[] copy : new String[][] {{"multi", "apps/web:1.0"}, {"labels", "apps/labelled:labels"}}) {
      Cmd.Result r = Cmd.of(skopeo, "copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
          "oci:" + layout.dir() + ":" + copy[0], "docker://" + host + "/" + copy[1]).env("TMPDIR", "/tmp").run();
      assertTrue(r.succeeded(), r.describe());
    }
    RegistryClient client = new RegistryClient(REGISTRY.registry().url());
    sbom = UiContent.pushReferrer(client, "apps/labelled", labelled, UiContent.SBOM_TYPE, "{\"spdxVersion\":\"SPDX-2.3\"}");
    signature = UiContent.pushReferrer(client, "apps/labelled", sbom, UiContent.SIG_TYPE, "signature bytes");
    UiContent.fillers(client, "apps/web", platforms.get(0), FILLERS);
    base = REGISTRY.registry().url();
    browser = Browser.start();
    browser.grantClipboard(base);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    TempDirs.delete(work);
  }

  private List<String> listed() {
    return browser.all("#repos li:not([hidden]) a").stream().map(WebElement::getText).toList();
  }

  @Test
  void catalog_listsPagesAndFiltersAsYouType() {
    browser.open(base + "/ui");
    List<String> first = listed();
    assertTrue(first.contains("apps/web") && first.contains("apps/labelled"), "first page: " + first);
    assertEquals(100, first.size(), "a page holds 100 repositories");
    browser.screenshot("catalog");

    browser.find("#q").sendKeys("label");
    browser.await(d -> listed().equals(List.of("apps/labelled")));
    assertTrue(browser.find(".filter-none").getAttribute("hidden") != null);
    browser.find("#q").sendKeys("zzz");
    browser.await(d -> listed().isEmpty() && browser.find(".filter-none").isDisplayed());

    browser.open(base + "/ui");
    browser.find("a[rel=next]").click();
    browser.await(d -> d.getCurrentUrl().contains("last="));
    List<String> all = new ArrayList<>(first);
    all.addAll(listed());
    assertEquals(FILLERS + 2, all.size(), "the two pages hold every repository once: " + browser.driver.getPageSource());
    assertEquals(FILLERS + 2, all.stream().distinct().count());

    browser.open(base + "/ui?q=web"); // the same filter without script: a GET form
    assertEquals(List.of("apps/web"), listed());

    String light = (String) browser.js("return getComputedStyle(document.body).backgroundColor;");
    browser.driver.executeCdpCommand("Emulation.setEmulatedMedia",
        java.util.Map.of("features", List.of(java.util.Map.of("name", "prefers-color-scheme", "value", "dark"))));
    String dark = (String) browser.js("return getComputedStyle(document.body).backgroundColor;");
    assertEquals("rgb(255, 255, 255)", light);
    assertFalse(dark.equals(light), "the system's dark preference is followed: " + dark);
    browser.open(base + "/ui");
    browser.screenshot("catalog-dark");
    browser.driver.executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("features", List.of()));
  }

  @Test
  void repositoryIndexAndChild_showPlatformsLayersAndConfig() {
    browser.open(base + "/ui");
    browser.find("a[href='/ui/r/apps/web']").click();
    WebElement row = browser.find("table.tags tbody tr");
    String text = row.getText();
    assertTrue(text.startsWith("1.0") && text.contains("OCI index") && text.contains("2 platforms: linux/amd64, linux/arm64"), text);
    assertFalse(row.findElement(org.openqa.selenium.By.cssSelector("time")).getAttribute("datetime").isEmpty(), "push time shown");
    browser.screenshot("repository");

    row.findElement(org.openqa.selenium.By.cssSelector("th a")).click();
    assertTrue(browser.find("h1").getText().equals("apps/web:1.0"));
    List<String> platforms = browser.all("#children-h + table tbody th").stream().map(WebElement::getText).toList();
    assertEquals(List.of("linux/amd64", "linux/arm64"), platforms);
    browser.screenshot("index");

    browser.all("#children-h + table tbody tr").get(1).findElement(org.openqa.selenium.By.cssSelector("a")).click();
    assertEquals(2, browser.all("#layers-h + table tbody tr").size(), "config and one layer");
    assertTrue(browser.find("#config-h").isDisplayed());
    assertTrue(browser.find("main").getText().contains("[\"/bin/true\"]"), "the config's Cmd");
  }

  @Test
  void imagePage_showsMarkupAsTextAndReferrersAsATree_andCopies() {
    browser.open(base + "/ui/r/apps/labelled/-/manifest/" + labelled.digest() + "?tag=labels");
    assertNull(browser.js("return window.__xss;"), "no label or annotation ran as script");
    assertTrue(browser.all("main img").isEmpty(), "no element came from an annotation");
    List<String> labelValues = browser.all("table.labels td").stream().map(WebElement::getText).toList();
    assertTrue(labelValues.contains(UiContent.XSS_SCRIPT) && labelValues.contains(UiContent.XSS_ATTR), "labels as text: " + labelValues);
    List<String> annotations = browser.all("table.annotations td").stream().map(WebElement::getText).toList();
    assertTrue(annotations.contains(UiContent.XSS_ATTR) && annotations.contains(UiContent.XSS_SCRIPT), "annotations as text: " + annotations);
    assertTrue(browser.find("main").getText().contains("GREETING=" + UiContent.XSS_ATTR));

    List<WebElement> tree = browser.all("ul.tree > li");
    assertEquals(2, tree.size(), "the SBOM and, under it, its signature");
    assertTrue(tree.get(0).getAttribute("class").equals("depth-0") && tree.get(0).getText().startsWith("SBOM"), tree.get(0).getText());
    assertTrue(tree.get(0).getText().contains(sbom.digest()) && tree.get(0).getText().contains(UiContent.SBOM_TYPE));
    assertTrue(tree.get(1).getAttribute("class").equals("depth-1") && tree.get(1).getText().startsWith("signature"));
    assertTrue(tree.get(1).getText().contains(signature.digest()));
    browser.screenshot("manifest");
    browser.js("document.getElementById('referrers-h').scrollIntoView()");
    browser.screenshot("referrers");

    String expected = "docker pull " + REGISTRY.registry().hostPort() + "/apps/labelled:labels";
    WebElement copy = browser.find("button.copy[data-copy^='docker ']");
    assertEquals(expected, copy.getAttribute("data-copy"));
    copy.click();
    browser.await(d -> copy.getText().equals("Copied"));
    Object clip = browser.driver.executeAsyncScript("var done = arguments[0]; navigator.clipboard.readText().then(done, e => done('error: ' + e));");
    assertEquals(expected, clip, "the clipboard holds the pull command");
    String digestRef = browser.find("button.copy[data-copy*='@']").getAttribute("data-copy");
    assertEquals(REGISTRY.registry().hostPort() + "/apps/labelled@" + labelled.digest(), digestRef);

    browser.find("ul.tree > li.depth-0 a").click(); // the SBOM's own page names its subject
    assertTrue(browser.find("a[href='/ui/r/apps/labelled/-/manifest/" + labelled.digest() + "']").isDisplayed());
  }

  @Test
  void invalidAndUnknownUrls_areHtml4xx() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String d0 = "sha256:" + "0".repeat(64);
    String[][] cases = {
        {"/ui/r/UPPER/case", "400"}, {"/ui/r/apps/web/-/manifest/sha256:zz", "400"}, {"/ui/r/apps/web/-/manifest/" + d0, "404"},
        {"/ui/r/apps/web/-/nothing", "404"}, {"/ui/r/no/such", "404"}, {"/ui/r/apps/web?last=%20bad", "400"},
        {"/ui?last=NOT..valid", "400"}, {"/ui?q=" + "a".repeat(300), "400"}, {"/ui/r/apps/web/-/manifest/" + d0 + "?tag=bad%20tag", "400"}};
    for (String[] c : cases) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + c[0])).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(Integer.parseInt(c[1]), r.statusCode(), c[0] + ": " + r.body());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), c[0]);
      assertTrue(r.body().contains("<main"), c[0] + " is a page of the UI");
      assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"), c[0]);
    }
  }

  @Test
  void pages_weighUnder100KB() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long assets = 0;
    for (String a : List.of("/ui/assets/berth.css", "/ui/assets/berth.js")) {
      assets += http.send(HttpRequest.newBuilder(URI.create(base + a)).build(), HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }
    for (String p : List.of("/ui", "/ui/r/apps/web", "/ui/r/apps/labelled/-/manifest/" + labelled.digest() + "?tag=labels")) {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + p)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, r.statusCode(), p);
      long total = r.body().length + assets;
      System.out.println("[weights] " + p + ": html " + r.body().length + " B + css/js " + assets + " B = " + total + " B");
      assertTrue(total < 100_000, p + " weighs " + total);
    }
  }
}
