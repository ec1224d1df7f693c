package dev.berth.storage.filesystem;

import static dev.berth.storage.ContractData.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.storage.BaseDriver;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import dev.berth.storage.StorageFullException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Why the filesystem driver can't work, in words, and that it recovers by itself once it can. */
class FilesystemPrepareTest {
  @TempDir
  Path tmp;

  @Test
  void aFileInTheWayOfTheRoot_isSaid_andTheSameDriverRecoversOnceItIsGone() throws Exception {
    Path blocker = tmp.resolve("data");
    Files.writeString(blocker, "not a directory");
    Path root = blocker.resolve("registry");
    StorageDriver driver = new BaseDriver(new FilesystemDriver(root));

    StorageException e = assertThrows(StorageException.class, () -> driver.putSmall("k", bytes("v"), Precondition.NONE));
    assertEquals("cannot create storage root " + root + ": a file is in the way at " + blocker, e.reason());
    assertEquals(e.reason(), assertThrows(StorageException.class, driver::ping).reason(), "probes say the same");

    Files.delete(blocker);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        driver.putSmall("k", bytes("v"), Precondition.NONE);
        break;
      } catch (StorageException retrying) {
        // at most one attempt per second: the last failure until then
        assertTrue(System.nanoTime() < deadline, "did not recover: " + retrying.reason());
        Thread.sleep(100);
      }
    }
    assertEquals("v", new String(driver.getSmall("k").orElseThrow().data()));
    driver.ping();
  }

  @Test
  void aFileAtTheRootItself() throws IOException {
    Path root = tmp.resolve("root");
    Files.writeString(root, "x");
    StorageException e = assertThrows(StorageException.class, () -> new FilesystemDriver(root).prepare());
    assertEquals("cannot create storage root " + root + ": a file is in the way at " + root, e.reason());
  }

  @Test
  void aRootThatCannotBeCreatedSaysWhy_notJustThePath() {
    Path root = Path.of("/proc/berth-" + ProcessHandle.current().pid() + "/root");
    StorageException e = assertThrows(StorageException.class, () -> new FilesystemDriver(root).prepare());
    assertTrue(e.reason().startsWith("cannot create storage root " + root + ": "), e.reason());
    String cause = e.reason().substring(("cannot create storage root " + root + ": ").length());
    assertFalse(cause.equals(root.toString()) || cause.startsWith("/"), "only a path: " + e.reason());
  }

  @Test
  void causesInWords() {
    Path p = Path.of("/data/registry");
    assertEquals("permission denied at /data/registry", FilesystemErrors.words(new AccessDeniedException(p.toString())));
    assertEquals("read-only file system at /data/registry",
        FilesystemErrors.words(new FileSystemException(p.toString(), null, "Read-only file system")));
    StorageException e = FilesystemErrors.cannotCreateRoot(tmp.resolve("nowhere/root"), new AccessDeniedException(tmp + "/nowhere"));
    assertEquals("cannot create storage root " + tmp.resolve("nowhere/root") + ": permission denied at " + tmp + "/nowhere", e.reason());
  }

  @Test
  void noSpaceOrQuotaOnAnyWrite_isStorageFull() {
    StorageException full = FilesystemErrors.failure("write", "blobs/x/data", new IOException("No space left on device"));
    assertInstanceOf(StorageFullException.class, full);
    assertEquals("storage is full (no space left on device)", full.reason());
    StorageException quota = FilesystemErrors.failure("append", "_uploads/u/data",
        new FileSystemException("/data/registry/_uploads/u/data", null, "Disk quota exceeded"));
    assertInstanceOf(StorageFullException.class, quota);
    assertTrue(quota.reason().startsWith("storage is full (disk quota exceeded"), quota.reason());
    StorageException other = FilesystemErrors.failure("read", "k", new AccessDeniedException("/data/registry/k"));
    assertFalse(other instanceof StorageFullException);
    assertEquals("storage read failed: permission denied at /data/registry/k", other.reason());
  }
}
