package dev.berth.storage.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.Azurite;
import dev.berth.it.CountingProxy;
import dev.berth.it.CountingProxy.Kind;
import dev.berth.storage.BaseDriver;
import dev.berth.storage.ContractData;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Azure driver's parallel transfers, seen by a counting proxy in front of Azurite that adds
 * latency: with parallelism N, up to N Put Blocks or ranged GETs are in flight at once and never
 * more; with 1, exactly one; the bytes are the same either way; a storage failure in the middle of
 * a transfer is a {@link StorageException} (no hang, nothing half committed); closing a read stops
 * its fetches.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AzureParallelTransfersTest {
  static final int BLOCK = 64 * 1024;
  static final int SIZE = 2 * 1024 * 1024; // 32 blocks, 32 ranges
  private CountingProxy proxy;
  private String container;

  @BeforeEach
  void setUp() throws IOException {
    proxy = new CountingProxy(0, Azurite.shared().port(), 20);
    container = AzureTestDrivers.container("parallel");
  }

  @AfterEach
  void tearDown() throws IOException {
    proxy.close();
    AzureTestDrivers.raw(container).deleteIfExists();
  }

  private StorageDriver driver(int upload, int download) {
    return new BaseDriver(AzureTestDrivers.driver(AzureTestDrivers.client(proxy.endpoint(), Azurite.KEY, container, 3), "", BLOCK, true,
        new AzureBlobDriver.Transfers(upload, download, BLOCK)));
  }

  @Test
  void parallelism4_stagesAndReadsUpTo4AtOnce() throws IOException {
    StorageDriver d = driver(4, 4);
    byte[] data = ContractData.data(7, SIZE);
    proxy.reset();
    assertEquals(SIZE, d.append("u", 0, new ByteArrayInputStream(data)));
    assertEquals(SIZE / BLOCK, proxy.total(Kind.STAGE_BLOCK));
    int stagedAtOnce = proxy.peak(Kind.STAGE_BLOCK);
    assertTrue(stagedAtOnce > 1 && stagedAtOnce <= 4, "Put Blocks in flight at once: " + stagedAtOnce);

    proxy.reset();
    assertArrayEquals(data, ContractData.readAll(d.read("u", 0, -1)));
    int readAtOnce = proxy.peak(Kind.RANGE_READ);
    assertTrue(readAtOnce > 1 && readAtOnce <= 4, "ranged GETs in flight at once: " + readAtOnce);
    assertEquals(SIZE / BLOCK, proxy.total(Kind.RANGE_READ));
    // A client's range, not aligned to ranges: the same bytes as a slice.
    assertArrayEquals(Arrays.copyOfRange(data, 100_001, 100_001 + 700_000), ContractData.readAll(d.read("u", 100_001, 700_000)));
  }

  @Test
  void parallelism1_stagesAndReadsOneAtATime() throws IOException {
    StorageDriver d = driver(1, 1);
    byte[] data = ContractData.data(8, SIZE);
    proxy.reset();
    assertEquals(SIZE, d.append("u", 0, new ByteArrayInputStream(data)));
    assertEquals(1, proxy.peak(Kind.STAGE_BLOCK));
    assertEquals(SIZE / BLOCK, proxy.total(Kind.STAGE_BLOCK));
    proxy.reset();
    assertArrayEquals(data, ContractData.readAll(d.read("u", 0, -1)));
    assertEquals(1, proxy.peak(Kind.RANGE_READ));
    assertEquals(SIZE / BLOCK, proxy.total(Kind.RANGE_READ));
  }

  @Test
  void closingARead_stopsItsFetches() throws Exception {
    StorageDriver d = driver(4, 4);
    d.append("u", 0, new ByteArrayInputStream(ContractData.data(9, SIZE)));
    proxy.reset();
    try (InputStream in = d.read("u", 0, -1).openStream()) {
      assertTrue(in.read() >= 0);
    }
    awaitNoRangeRead();
    assertTrue(proxy.total(Kind.RANGE_READ) <= 8, "ranged GETs after closing at the first byte: " + proxy.total(Kind.RANGE_READ)
        + " of " + SIZE / BLOCK);
  }

  @Test
  void storageFailingMidRead_isAStorageException() throws Exception {
    StorageDriver d = driver(4, 4);
    d.append("u", 0, new ByteArrayInputStream(ContractData.data(10, SIZE)));
    try (InputStream in = d.read("u", 0, -1).openStream()) {
      assertTrue(in.read(new byte[1000]) > 0);
      proxy.failRequests(true);
      assertThrows(StorageException.class, () -> in.transferTo(java.io.OutputStream.nullOutputStream()));
    }
    awaitNoRangeRead();
  }

  @Test
  void storageFailingMidAppend_isAStorageException_andCommitsNothing() {
    StorageDriver d = driver(4, 4);
    InputStream body = new FilterInputStream(new ByteArrayInputStream(ContractData.data(11, SIZE))) {
      long read;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (read > SIZE / 2) {
          proxy.failRequests(true); // storage goes away half way through the body
        }
        int n = super.read(b, off, len);
        read += Math.max(0, n);
        return n;
      }
    };
    assertThrows(StorageException.class, () -> d.append("u", 0, body));
    proxy.failRequests(false);
    assertTrue(d.stat("u").isEmpty(), "a failed append committed blocks");
  }

  private void awaitNoRangeRead() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (proxy.inFlight(Kind.RANGE_READ) > 0) {
      assertTrue(System.nanoTime() < deadline, "ranged GETs still in flight: " + proxy.inFlight(Kind.RANGE_READ));
      Thread.sleep(20);
    }
  }
}
