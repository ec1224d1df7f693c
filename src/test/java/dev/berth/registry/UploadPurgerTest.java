package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.storage.memory.MemoryDriver;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UploadPurgerTest {
  private final MemoryDriver storage = new MemoryDriver();
  private final UploadService uploads = new UploadService(storage, new BlobService(storage));
  private final UploadPurger purger = new UploadPurger(storage, (dev.berth.config.BerthConfig.Uploads) null);
  private final RepositoryName repo = RepositoryName.parse("purge/me");

  @Test
  void purge_deletesSessionsIdleSinceCutoff_keepsRecentOnes() {
    UploadService.Upload old = uploads.start(repo, DigestAlgorithm.SHA256);
    uploads.append(repo, old.uuid(), Optional.empty(), -1, new ByteArrayInputStream(new byte[] {1, 2, 3}));
    Instant cutoff = Instant.now().plusSeconds(1);
    assertEquals(1, purger.purge(cutoff));
    assertEquals(ErrorCode.BLOB_UPLOAD_UNKNOWN,
        assertThrows(RegistryException.class, () -> uploads.status(repo, old.uuid())).code());
    UploadService.Upload recent = uploads.start(repo, DigestAlgorithm.SHA256);
    assertEquals(0, purger.purge(Instant.now().minusSeconds(3600)));
    assertEquals(0, uploads.status(repo, recent.uuid()).size());
  }

  @Test
  void purge_keepsFinishedBlobs() {
    byte[] data = {9, 8, 7};
    Digest d = Digest.of(DigestAlgorithm.SHA256, data);
    uploads.putMonolithic(repo, d, new ByteArrayInputStream(data));
    assertEquals(0, purger.purge(Instant.now().plusSeconds(1)));
    assertEquals(3, new BlobService(storage).size(repo, d));
  }
}
