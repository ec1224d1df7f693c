package dev.berth.storage.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import dev.berth.storage.BaseDriver;
import dev.berth.storage.Precondition;
import dev.berth.storage.StorageDriver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the Azure driver lays uploads out in blocks, checked on Azurite with the SDK: fixed-length
 * offset-derived block ids, small appends coalesced up to the block size (so the 50,000-block
 * limit is not the layer-size limit), and a commit that copies nothing.
 */
class AzureBlockLayoutTest {
  static final int BLOCK = 64 * 1024;
  private StorageDriver driver;
  private BlobContainerClient raw;
  private String container;

  @AfterEach
  void tearDown() {
    raw.deleteIfExists();
  }

  @BeforeEach
  void setUp() {
    container = AzureTestDrivers.container("blocks");
    driver = new BaseDriver(AzureTestDrivers.onAzurite(container, "prefix/", BLOCK));
    raw = AzureTestDrivers.raw(container);
  }

  private List<Block> committedBlocks(String key) {
    return raw.getBlobClient("prefix/" + key).getBlockBlobClient().listBlocks(BlockListType.COMMITTED).getCommittedBlocks();
  }

  private static byte[] data(int n, long seed) {
    byte[] d = new byte[n];
    new Random(seed).nextBytes(d);
    return d;
  }

  private byte[] readAll(String key) throws Exception {
    try (InputStream in = driver.read(key, 0, -1).openStream()) {
      return in.readAllBytes();
    }
  }

  @Test
  void smallAppends_areCoalescedIntoFullBlocks() throws Exception {
    byte[] all = data(100 * 1000, 1);
    long size = 0;
    for (int i = 0; i < 100; i++) {
      size = driver.append("up/data", size, new ByteArrayInputStream(all, i * 1000, 1000));
    }
    assertEquals(100_000, size);
    List<Block> blocks = committedBlocks("up/data");
    // 100 appends, but only ceil(100000 / 65536) blocks: the limit is on bytes, not on PATCHes.
    assertEquals(2, blocks.size());
    assertEquals(BLOCK, blocks.get(0).getSizeLong());
    assertArrayEquals(all, readAll("up/data"));

    byte[] more = data(200_000, 2);
    size = driver.append("up/data", size, new ByteArrayInputStream(more));
    blocks = committedBlocks("up/data");
    assertEquals((300_000 + BLOCK - 1) / BLOCK, blocks.size());
    for (int i = 0; i < blocks.size() - 1; i++) {
      assertEquals(BLOCK, blocks.get(i).getSizeLong(), "every block but the last is full");
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(all);
    expected.write(more);
    assertArrayEquals(expected.toByteArray(), readAll("up/data"));
  }

  @Test
  void blockIds_haveOneLength_andEncodeTheirOffset() {
    byte[] all = data(5 * BLOCK + 123, 3);
    driver.append("ids/data", 0, new ByteArrayInputStream(all, 0, 2 * BLOCK + 7));
    driver.append("ids/data", 2 * BLOCK + 7, new ByteArrayInputStream(all, 2 * BLOCK + 7, all.length - 2 * BLOCK - 7));
    List<Block> blocks = committedBlocks("ids/data");
    Set<Integer> lengths = new HashSet<>();
    long offset = 0;
    for (Block b : blocks) {
      lengths.add(b.getName().length());
      String raw = new String(Base64.getDecoder().decode(b.getName()), StandardCharsets.US_ASCII);
      assertEquals(offset, Long.parseLong(raw.substring(0, 16), 16), "block id " + raw);
      offset += b.getSizeLong();
    }
    assertEquals(Set.of(blocks.get(0).getName().length()), lengths);
    assertEquals(all.length, offset);
  }

  @Test
  void commit_writesPointer_withoutCopyingTheBytes() throws Exception {
    byte[] layer = data(3 * BLOCK, 4);
    driver.append("_uploads/u1/data", 0, new ByteArrayInputStream(layer));
    driver.commit("_uploads/u1/data", "blobs/sha256/aa/aaaa/data");
    // The bytes stay in the upload blob; the final key is an empty pointer to it.
    var pointer = raw.getBlobClient("prefix/blobs/sha256/aa/aaaa/data").getProperties();
    assertEquals(0, pointer.getBlobSize());
    assertEquals("prefix/_uploads/u1/data", pointer.getMetadata().get(Blobs.META_DATA));
    assertEquals(Integer.toString(layer.length), pointer.getMetadata().get(Blobs.META_SIZE));
    assertEquals(layer.length, driver.stat("blobs/sha256/aa/aaaa/data").orElseThrow().size());
    assertArrayEquals(layer, readAll("blobs/sha256/aa/aaaa/data"));
    assertTrue(driver.stat("_uploads/u1/data").isEmpty(), "the upload key is gone");
    // Cleaning the upload's prefix leaves the committed bytes alone.
    driver.deleteAll("_uploads/u1/");
    assertArrayEquals(layer, readAll("blobs/sha256/aa/aaaa/data"));
    byte[] part = new byte[10];
    try (InputStream in = driver.read("blobs/sha256/aa/aaaa/data", BLOCK - 5, 10).openStream()) {
      assertEquals(10, in.readNBytes(part, 0, 10));
    }
    assertArrayEquals(Arrays.copyOfRange(layer, BLOCK - 5, BLOCK + 5), part);
    // Deleting the blob deletes its bytes.
    assertTrue(driver.delete("blobs/sha256/aa/aaaa/data", Precondition.NONE));
    assertTrue(!raw.getBlobClient("prefix/_uploads/u1/data").exists());
  }
}
