package dev.berth.storage.filesystem;

import static dev.berth.storage.ContractData.bytes;
import static dev.berth.storage.ContractData.data;
import static dev.berth.storage.ContractData.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.storage.Content;
import dev.berth.storage.InvalidKeyException;
import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver contract on {@link FilesystemDriver} over a temporary directory, and what only a
 * file system can get wrong: partial files, temporary files, paths outside the root, directories
 * left behind, and state that must survive a restart.
 */
class FilesystemDriverTest extends StorageDriverContract {
  @TempDir
  Path tmp;

  /** The driver's root, inside a sandbox directory that holds nothing else but a canary. */
  Path root;

  Path canary;

  @Override
  protected StorageDriver newDriver() throws IOException {
    Path sandbox = tmp.resolve("sandbox");
    root = sandbox.resolve("root");
    canary = sandbox.resolve("outside/secret");
    Files.createDirectories(canary.getParent());
    Files.writeString(canary, "canary");
    return new FilesystemDriver(root);
  }

  @Override
  protected void cleanup(StorageDriver driver) throws IOException {
    // Whatever a test did, nothing outside the root changed.
    assertEquals("canary", Files.readString(canary));
    try (Stream<Path> s = Files.list(root.getParent())) {
      Set<Path> beside = s.collect(Collectors.toSet());
      beside.remove(root); // absent when the test did nothing that needs storage
      assertEquals(Set.of(canary.getParent()), beside);
    }
  }

  @Test
  void buildingTheDriverTouchesNoDisk() {
    assertFalse(Files.exists(root), "the constructor created the root");
    assertTrue(driver.stat("k").isEmpty());
    assertTrue(Files.isDirectory(root), "the first operation prepares the root");
  }

  private List<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).collect(Collectors.toList());
    }
  }

  private List<String> temporaryFiles() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-")).collect(Collectors.toList());
    }
  }

  @Test
  void noTemporaryFileRemainsAfterWrites() throws Exception {
    driver.putSmall("t/a", bytes("1"), Precondition.NONE);
    String etag = driver.putSmall("t/b", bytes("1"), Precondition.IF_ABSENT);
    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("t/b", bytes("2"), Precondition.IF_ABSENT));
    driver.putSmall("t/b", bytes("2"), Precondition.ifMatch(etag));
    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("t/b", bytes("3"), Precondition.ifMatch(etag)));
    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("t/new/c", bytes("3"), Precondition.ifMatch(etag)));
    driver.append("up/1/data", 0, in(data(1, 300_000)));
    driver.commit("up/1/data", "t/blob");
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int id = w;
        done.add(writers.submit(() -> {
          for (int i = 0; i < 40; i++) {
            driver.putSmall("t/contended", data(id * 1000 + i, 10_000), Precondition.NONE);
            try {
              driver.putSmall("t/once-" + i, bytes("w" + id), Precondition.IF_ABSENT);
            } catch (PreconditionFailedException e) {
              // another writer was first
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdown();
    }
    assertEquals(List.of(), temporaryFiles());
  }

  @Test
  void aFileUnderItsFinalNameIsAlwaysComplete() throws Exception {
    // Readers open the file itself, not through the driver: what is on disk under the key's name
    // is always one whole version.
    Path file = root.resolve("m/manifest");
    int versions = 60;
    driver.putSmall("m/manifest", version(0), Precondition.NONE);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      Future<?> writer = threads.submit(() -> {
        try {
          for (int v = 1; v < versions; v++) {
            driver.putSmall("m/manifest", version(v), Precondition.NONE);
          }
        } finally {
          writing.set(false);
        }
        return null;
      });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(threads.submit(() -> {
          int reads = 0;
          while (writing.get() || reads == 0) {
            byte[] seen = Files.readAllBytes(file);
            int v = Integer.parseInt(new String(seen, 0, 8, StandardCharsets.US_ASCII));
            assertArrayEquals(version(v), seen, "partial content of version " + v + " under the final name");
            reads++;
          }
          return reads;
        }));
      }
      writer.get(120, TimeUnit.SECONDS);
      for (Future<Integer> r : readers) {
        assertTrue(r.get(60, TimeUnit.SECONDS) > 0);
      }
    } finally {
      threads.shutdownNow();
    }
    assertEquals(List.of(), temporaryFiles());
  }

  /** Version v: 8 digits naming it, then 256 KiB to 1.25 MiB of bytes derived from v. */
  private static byte[] version(int v) {
    byte[] b = data(v, (256 << 10) + (v % 5) * (256 << 10));
    byte[] header = String.format("%08d", v).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, b, 0, header.length);
    return b;
  }

  @Test
  void temporaryFilesAreNeverListed() throws Exception {
    // One left by a crash...
    Files.createDirectories(root.resolve("d"));
    Files.write(root.resolve("d/.tmp-" + UUID.randomUUID()), bytes("partial"));
    driver.putSmall("d/k", bytes("k"), Precondition.NONE);
    assertEquals(List.of("k"), listAll("d/"));
    // ...and those of writes in progress.
    AtomicBoolean writing = new AtomicBoolean(true);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> writer = threads.submit(() -> {
        try {
          for (int i = 0; i < 300; i++) {
            driver.putSmall("d/n" + i, data(i, 50_000), Precondition.NONE);
          }
        } finally {
          writing.set(false);
        }
        return null;
      });
      Future<?> lister = threads.submit(() -> {
        while (writing.get()) {
          seen.addAll(driver.list("d/", null, 10_000).names());
        }
        return null;
      });
      writer.get(120, TimeUnit.SECONDS);
      lister.get(60, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
    List<String> hidden = seen.stream().filter(n -> n.startsWith(".tmp")).collect(Collectors.toList());
    assertEquals(List.of(), hidden);
    assertEquals(301, listAll("d/").size());
  }

  @Test
  void keysMapToPathsInsideTheRoot() throws IOException {
    driver.prepare();
    Path realRoot = root.toRealPath();
    List<String> keys = List.of("a..b", "...", "..a/b", "a/.../b", "~/x", "%2e%2e/%2e%2e/x", "x:y/..z", "a b/c d", "deep/er/and/deeper/k");
    for (String k : keys) {
      driver.putSmall(k, bytes(k), Precondition.NONE);
      Path file = root.resolve(k);
      assertEquals(k, Files.readString(file), "key " + k + " is the file <root>/" + k);
      assertTrue(file.toRealPath().startsWith(realRoot), k + " resolved outside the root: " + file.toRealPath());
    }
    driver.append("..up/data", 0, in(bytes("u")));
    driver.commit("..up/data", "...blob/data");
    for (Path f : filesUnder(root)) {
      assertTrue(f.toRealPath().startsWith(realRoot), f.toString());
    }
    assertEquals(keys.size() + 1, filesUnder(root).size());
  }

  @Test
  void traversalKeysTouchNothingOutsideTheRoot() throws IOException {
    driver.putSmall("inside/k", bytes("v"), Precondition.NONE);
    List<String> escapes = List.of("../outside/secret", "../outside/new", "a/../../outside/secret", "../../x", "/etc/passwd",
        "inside/../../outside/secret", "..\\outside\\secret", "inside/..", "..");
    for (String k : escapes) {
      assertThrows(InvalidKeyException.class, () -> driver.getSmall(k), k);
      assertThrows(InvalidKeyException.class, () -> driver.putSmall(k, bytes("pwned"), Precondition.NONE), k);
      assertThrows(InvalidKeyException.class, () -> driver.append(k, 0, in(bytes("pwned"))), k);
      assertThrows(InvalidKeyException.class, () -> driver.append(k, 6, in(bytes("pwned"))), k);
      assertThrows(InvalidKeyException.class, () -> driver.read(k, 0, -1), k);
      assertThrows(InvalidKeyException.class, () -> driver.stat(k), k);
      assertThrows(InvalidKeyException.class, () -> driver.delete(k, Precondition.NONE), k);
      assertThrows(InvalidKeyException.class, () -> driver.commit("inside/k", k), k);
      assertThrows(InvalidKeyException.class, () -> driver.commit(k, "inside/stolen"), k);
      assertThrows(InvalidKeyException.class, () -> driver.deleteAll(k + "/"), k);
      assertThrows(InvalidKeyException.class, () -> driver.list(k + "/", null, 10), k);
    }
    assertEquals(List.of(root.resolve("inside/k")), filesUnder(root));
    // cleanup() checks the canary and that nothing appeared beside the root
  }

  @Test
  void emptyDirectoriesArePruned() throws IOException {
    driver.putSmall("x/y/z/k", bytes("v"), Precondition.NONE);
    driver.putSmall("x/keep", bytes("v"), Precondition.NONE);
    assertTrue(driver.delete("x/y/z/k", Precondition.NONE));
    assertFalse(Files.exists(root.resolve("x/y")), "x/y/z and x/y are empty: pruned");
    assertTrue(Files.isRegularFile(root.resolve("x/keep")));
    String etag = driver.getSmall("x/keep").orElseThrow().etag();
    assertTrue(driver.delete("x/keep", Precondition.ifMatch(etag)));
    assertEmptyRoot();

    driver.putSmall("m/n/o/1", bytes("1"), Precondition.NONE);
    driver.putSmall("m/n/2", bytes("2"), Precondition.NONE);
    driver.deleteAll("m/n/");
    assertEmptyRoot();

    driver.putSmall("_uploads/1/state", bytes("{}"), Precondition.NONE);
    driver.append("_uploads/1/data", 0, in(bytes("blob")));
    driver.commit("_uploads/1/data", "blobs/sha256/aa/aaaa/data");
    driver.deleteAll("_uploads/1/");
    assertFalse(Files.exists(root.resolve("_uploads")));
    driver.delete("blobs/sha256/aa/aaaa/data", Precondition.NONE);
    assertEmptyRoot();

    assertThrows(PreconditionFailedException.class, () -> driver.putSmall("p/q/r", bytes("v"), Precondition.ifMatch("nope")));
    assertThrows(InvalidOffsetException.class, () -> driver.append("s/t/data", 5, in(bytes("v"))));
    assertEmptyRoot();
    assertTrue(Files.isDirectory(root), "the root itself stays");
  }

  private void assertEmptyRoot() throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      assertEquals(List.of(), s.collect(Collectors.toList()));
    }
  }

  @Test
  void commitRenamesWithoutCopyingAndReadsAreFileRegions() throws IOException {
    driver.append("_uploads/c/data", 0, in(data(8, 1_000_000)));
    Object inode = Files.getAttribute(root.resolve("_uploads/c/data"), "unix:ino");
    driver.commit("_uploads/c/data", "blobs/c/data");
    assertEquals(inode, Files.getAttribute(root.resolve("blobs/c/data"), "unix:ino"), "the upload's file became the blob");
    Content c = driver.read("blobs/c/data", 100, 1000);
    // The registry sends file regions with sendfile, without copying them through the heap.
    Content.FileRegion region = assertInstanceOf(Content.FileRegion.class, c);
    assertEquals(root.resolve("blobs/c/data"), region.path());
    assertEquals(100, region.offset());
    assertEquals(1000, region.length());
  }
}
