package dev.berth.storage;

import static dev.berth.storage.ContractData.bytes;
import static dev.berth.storage.ContractData.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.storage.memory.MemoryDriver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link BaseDriver}'s own rules: argument checks before the driver is reached, and the retry spacing of prepare(). */
class BaseDriverTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicInteger attempts = new AtomicInteger();
  private volatile String down = "disk unplugged";
  private final MemoryDriver memory = new MemoryDriver();
  private final BaseDriver base = new BaseDriver(new MemoryDriverPreparedBy(), now::get);

  /** The memory driver, whose prepare() fails while {@code down} says why. */
  private final class MemoryDriverPreparedBy implements StorageDriver {
    @Override
    public void prepare() {
      attempts.incrementAndGet();
      if (down != null) {
        throw new StorageException("prepare failed", down, null);
      }
    }

    @Override public String name() { return "flaky"; }
    @Override public Optional<SmallObject> getSmall(String key) { return memory.getSmall(key); }
    @Override public String putSmall(String key, byte[] data, Precondition p) { return memory.putSmall(key, data, p); }
    @Override public Optional<ObjectInfo> stat(String key) { return memory.stat(key); }
    @Override public Content read(String key, long offset, long length) { return memory.read(key, offset, length); }
    @Override public long append(String key, long offset, java.io.InputStream data) { return memory.append(key, offset, data); }
    @Override public void commit(String uploadKey, String key) { memory.commit(uploadKey, key); }
    @Override public ListPage list(String prefix, String startAfter, int limit) { return memory.list(prefix, startAfter, limit); }
    @Override public boolean delete(String key, Precondition p) { return memory.delete(key, p); }
    @Override public void deleteAll(String prefix) { memory.deleteAll(prefix); }
    @Override public void ping() {}
  }

  @Test
  void aFailingPrepareIsRetriedAtMostOncePerSecond_withTheLastReasonInBetween() {
    for (int i = 0; i < 5; i++) {
      assertEquals("disk unplugged", assertThrows(StorageException.class, () -> base.stat("k")).reason());
    }
    assertEquals(1, attempts.get(), "calls within a second reuse the failure");
    now.addAndGet(Duration.ofMillis(999).toNanos());
    down = null;
    assertThrows(StorageException.class, () -> base.getSmall("k"));
    assertEquals(1, attempts.get());
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertTrue(base.getSmall("k").isEmpty(), "recovered after the spacing");
    base.putSmall("k", bytes("v"), Precondition.NONE);
    base.ping();
    assertEquals(2, attempts.get(), "prepared once, then never again");
  }

  @Test
  void argumentsAreCheckedBeforeTheDriverIsPrepared() {
    assertThrows(InvalidKeyException.class, () -> base.getSmall("../x"));
    assertThrows(InvalidKeyException.class, () -> base.list("no-slash", null, 10));
    assertThrows(IllegalArgumentException.class, () -> base.list("a/", null, 0));
    assertThrows(IllegalArgumentException.class, () -> base.read("k", -1, 10));
    assertThrows(IllegalArgumentException.class, () -> base.append("k", -1, in(bytes("x"))));
    assertThrows(IllegalArgumentException.class, () -> base.putSmall("k", null, Precondition.NONE));
    assertThrows(IllegalArgumentException.class, () -> base.putSmall("k", bytes("x"), null));
    assertThrows(IllegalArgumentException.class, () -> base.delete("k", Precondition.IF_ABSENT));
    assertThrows(IllegalArgumentException.class, () -> base.deleteAll(""));
    assertThrows(IllegalArgumentException.class, () -> base.commit("k", "k"));
    assertThrows(IllegalArgumentException.class, () -> base.redirectUrl("k", Duration.ZERO));
    assertEquals(0, attempts.get(), "a caller's mistake never reaches storage");
  }

  @Test
  void readsAreClippedToTheObject() {
    down = null;
    base.putSmall("k", bytes("0123456789"), Precondition.NONE);
    assertEquals(4, base.read("k", 6, 100).length());
    assertEquals(10, base.read("k", 0, -1).length());
    assertEquals(0, base.read("k", 10, 5).length());
    assertEquals(10, assertThrows(InvalidOffsetException.class, () -> base.read("k", 11, 1)).size());
    assertThrows(ObjectNotFoundException.class, () -> base.read("missing", 0, 1));
  }

  @Test
  void aDriverIsWrappedOnce() {
    assertThrows(IllegalArgumentException.class, () -> new BaseDriver(base));
    assertEquals("flaky", base.name());
  }
}
