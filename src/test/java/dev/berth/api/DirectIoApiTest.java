package dev.berth.api;

import static dev.berth.api.ApiTestSupport.pushBlob;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * {@code berth.storage.filesystem.direct-io=true} (the default): a pushed layer goes to the disk
 * without passing through the page cache, which {@code fincore} (util-linux) shows as no resident
 * pages of the stored blob; {@link BufferedIoApiTest} shows the opposite with {@code false}.
 */
@QuarkusTest
@TestProfile(FilesystemStorageProfile.class)
class DirectIoApiTest {
  static final int SIZE = 8 << 20;

  @Test
  void pushedLayer_notInPageCache() throws Exception {
    long resident = pushAndCountResident();
    assertTrue(resident < SIZE / 8, "resident bytes of the stored blob: " + resident);
  }

  /** Pushes a layer, checks it pulls back identical, and returns its data file's resident bytes. */
  static long pushAndCountResident() throws IOException, InterruptedException {
    Path root = Path.of(ConfigProvider.getConfig().getValue("berth.storage.filesystem.root", String.class));
    assertEquals("ext4", Files.getFileStore(root).type(), "this test needs a disk file system (not tmpfs)");
    byte[] layer = randomBytes(SIZE);
    String repo = repo("direct-io");
    String digest = pushBlob(repo, layer);
    assertArrayEquals(layer, RestAssured.get("/v2/" + repo + "/blobs/" + digest).asByteArray());
    // Pulling read the file back through the page cache; drop what that read brought in by
    // measuring a second push of other bytes instead.
    byte[] second = randomBytes(SIZE);
    String d2 = pushBlob(repo, second);
    String hex = d2.substring("sha256:".length());
    Path data = root.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    assertEquals(SIZE, Files.size(data));
    Process p = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES", data.toString())
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "fincore did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue(), "fincore: " + out);
    return Long.parseLong(out);
  }
}
