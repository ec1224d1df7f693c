package dev.berth.storage.filesystem;

import static dev.berth.storage.ContractData.bytes;
import static dev.berth.storage.ContractData.data;
import static dev.berth.storage.ContractData.in;
import static dev.berth.storage.ContractData.readAll;
import static dev.berth.storage.ContractData.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.storage.BaseDriver;
import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the filesystem driver keeps across a restart and between processes: an upload's size is
 * its file's size, an interrupted append keeps what it wrote, and an append in progress keeps
 * other processes out.
 */
class FilesystemRestartTest {
  @TempDir
  Path root;

  StorageDriver driver;

  @BeforeEach
  void createDriver() {
    driver = open(root);
  }

  /** A driver as production builds it. */
  static StorageDriver open(Path root) {
    return new BaseDriver(new FilesystemDriver(root));
  }

  @Test
  void uploadsSurviveANewDriverOverTheSameRoot() throws IOException {
    byte[] d = data(5, 3_000_000);
    driver.putSmall("_uploads/u/state", bytes("{\"repository\":\"r\"}"), Precondition.IF_ABSENT);
    driver.append("_uploads/u/data", 0, in(slice(d, 0, 1_000_000)));
    driver.append("_uploads/u/data", 1_000_000, in(slice(d, 1_000_000, 500_000)));

    StorageDriver restarted = open(root);
    ObjectInfo info = restarted.stat("_uploads/u/data").orElseThrow();
    assertEquals(1_500_000, info.size(), "the size is read back from disk");
    assertEquals(Files.size(root.resolve("_uploads/u/data")), info.size());
    assertEquals("{\"repository\":\"r\"}", new String(restarted.getSmall("_uploads/u/state").orElseThrow().data(), StandardCharsets.UTF_8));
    InvalidOffsetException e = assertThrows(InvalidOffsetException.class, () -> restarted.append("_uploads/u/data", 0, in(d)));
    assertEquals(1_500_000, e.size());
    assertEquals(3_000_000, restarted.append("_uploads/u/data", 1_500_000, in(slice(d, 1_500_000, 1_500_000))));
    restarted.commit("_uploads/u/data", "blobs/b/data");
    assertArrayEquals(d, readAll(open(root).read("blobs/b/data", 0, -1)));
  }

  @Test
  void anInterruptedAppendKeepsWhatItWroteAcrossARestart() {
    byte[] d = data(6, 2_000_000);
    InputStream dropsAfter1234567 = new InputStream() {
      final InputStream in = new ByteArrayInputStream(d, 0, 1_234_567);

      @Override
      public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection reset");
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, Math.min(len, 100_000));
        if (n < 0) {
          throw new IOException("connection reset");
        }
        return n;
      }
    };
    assertThrows(RuntimeException.class, () -> driver.append("_uploads/v/data", 0, dropsAfter1234567));
    StorageDriver restarted = open(root);
    assertEquals(1_234_567, restarted.stat("_uploads/v/data").orElseThrow().size(), "every byte received was written");
    restarted.append("_uploads/v/data", 1_234_567, in(slice(d, 1_234_567, d.length - 1_234_567)));
    assertArrayEquals(d, readAll(restarted.read("_uploads/v/data", 0, -1)));
  }

  @Test
  void anAppendInAnotherProcessIsRefusedWhileOneIsInProgress() throws Exception {
    byte[] mine = data(7, 100_000);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InputStream held = new InputStream() {
      final InputStream in = new ByteArrayInputStream(mine);
      boolean first = true;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (first) {
          first = false;
          inside.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        return in.read(b, off, len);
      }
    };
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try {
      Future<Long> first = threads.submit(() -> driver.append("_uploads/w/data", 0, held));
      assertTrue(inside.await(30, TimeUnit.SECONDS));
      // A second append in this process is refused, and refusing it must not drop the first
      // one's lock, which is what keeps other processes out.
      assertThrows(InvalidOffsetException.class, () -> driver.append("_uploads/w/data", 0, in(bytes("same process"))));
      assertEquals("refused", appendInAnotherProcess("_uploads/w/data", 0, "other process"));
      release.countDown();
      assertEquals(100_000, first.get(60, TimeUnit.SECONDS));
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
    assertArrayEquals(mine, readAll(driver.read("_uploads/w/data", 0, -1)));
    // Once the first append is done, the other process appends at the new end.
    assertEquals("ok 100005", appendInAnotherProcess("_uploads/w/data", 100_000, "12345"));
  }

  /** Runs {@link AppendProcess} over this root in a new JVM and returns what it printed. */
  private String appendInAnotherProcess(String key, long offset, String data) throws Exception {
    String cp = Path.of(FilesystemDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        + java.io.File.pathSeparator
        + Path.of(AppendProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx32m", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", cp, AppendProcess.class.getName(),
        root.toString(), key, Long.toString(offset), data)
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** Another process appending to the same storage. */
  public static final class AppendProcess {
    public static void main(String[] args) {
      StorageDriver d = open(Path.of(args[0]));
      try {
        long size = d.append(args[1], Long.parseLong(args[2]), new ByteArrayInputStream(args[3].getBytes(StandardCharsets.UTF_8)));
        System.out.println("ok " + size);
      } catch (InvalidOffsetException e) {
        System.out.println("refused");
      }
    }
  }
}
