package dev.berth.storage;

import static dev.berth.storage.ContractData.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The driver contract, part of {@link StorageDriverContract}: lazy, idempotent, concurrent {@code prepare()}. */
public interface PrepareContract extends ContractFixture {

  /** The driver itself, without {@link BaseDriver}. */
  StorageDriver unwrapped();

  @Test
  default void operationsBeforePrepareWork() {
    // Nothing has called prepare(): the first operation does, through BaseDriver.
    assertTrue(driver().getSmall("lazy/k").isEmpty());
    driver().putSmall("lazy/k", bytes("v"), Precondition.NONE);
    assertEquals("v", text("lazy/k"));
    driver().ping();
  }

  @Test
  default void prepareIsIdempotent() {
    unwrapped().prepare();
    unwrapped().prepare();
    driver().putSmall("k", bytes("v"), Precondition.NONE);
    unwrapped().prepare();
    driver().prepare();
    assertEquals("v", text("k"), "preparing again keeps the data");
  }

  @Test
  default void prepareIsSafeConcurrently() throws Exception {
    int threads = 8;
    CyclicBarrier go = new CyclicBarrier(threads);
    List<Future<Object>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean raw = t % 2 == 0;
      done.add(pool().submit(() -> {
        go.await(30, TimeUnit.SECONDS);
        (raw ? unwrapped() : driver()).prepare();
        return null;
      }));
    }
    for (Future<Object> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    driver().putSmall("after/k", bytes("v"), Precondition.NONE);
    assertEquals(List.of("k"), listAll("after/"));
  }
}
