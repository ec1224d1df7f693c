package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {

  // --- HTTP Range requests on a blob (RFC 9110 single byte ranges) ---

  @Test
  void ofHttpRange_absentHeader_isEmpty() {
    assertEquals(Optional.empty(), ByteRange.ofHttpRange(null, 10));
  }

  @ParameterizedTest(name = "{0} of {1} bytes -> {2}-{3}")
  @CsvSource({
      "bytes=0-4, 10, 0, 4",
      "bytes=0-0, 10, 0, 0",
      "bytes=3-3, 10, 3, 3",
      "bytes=0-9, 10, 0, 9",
      "bytes=5-, 10, 5, 9",
      "bytes=0-, 10, 0, 9",
      "bytes=9-, 10, 9, 9",
      "bytes=-3, 10, 7, 9",
      "bytes=-1, 10, 9, 9",
      "bytes=-10, 10, 0, 9",
      "bytes=-20, 10, 0, 9",
      "bytes=2-100, 10, 2, 9",
      "bytes=0-0, 1, 0, 0",
  })
  void ofHttpRange_satisfiable(String header, long size, long first, long last) {
    assertEquals(Optional.of(new ByteRange(first, last)), ByteRange.ofHttpRange(header, size));
  }

  @Test
  void ofHttpRange_surroundingWhitespace_isIgnored() {
    assertEquals(Optional.of(new ByteRange(1, 2)), ByteRange.ofHttpRange("  bytes=1-2 ", 10));
  }

  @ParameterizedTest(name = "{0} of {1} bytes -> 416")
  @CsvSource({
      "bytes=10-, 10",
      "bytes=10-20, 10",
      "bytes=100-200, 10",
      "bytes=5-2, 10",
      "bytes=-0, 10",
      "bytes=0-, 0",
      "bytes=0-0, 0",
      "bytes=-5, 0",
      "bytes=9999999999999999999-, 10",
  })
  void ofHttpRange_unsatisfiable_is416(String header, long size) {
    RangeNotSatisfiableException e = assertThrows(RangeNotSatisfiableException.class, () -> ByteRange.ofHttpRange(header, size));
    assertEquals(size, e.size());
    assertEquals(ErrorCode.SIZE_INVALID, e.code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=1-2,4-5", "items=0-1", "0-4", "bytes 0-4",
      "bytes=1.5-2", "bytes=-1-2", "bytes=99999999999999999999-"})
  void ofHttpRange_malformed_isIgnored(String header) {
    assertEquals(Optional.empty(), ByteRange.ofHttpRange(header, 10));
  }

  @Test
  void contentRange_forPartialResponse() {
    assertEquals("bytes 0-4/10", new ByteRange(0, 4).contentRange(10));
    assertEquals("bytes 7-9/10", ByteRange.ofHttpRange("bytes=-3", 10).orElseThrow().contentRange(10));
  }

  @Test
  void length_isInclusive() {
    assertEquals(1, new ByteRange(0, 0).length());
    assertEquals(10, new ByteRange(0, 9).length());
    assertEquals(5, new ByteRange(5, 9).length());
  }

  @Test
  void constructor_rejectsNegativeOrReversedRanges() {
    assertThrows(ChunkRejectedException.class, () -> new ByteRange(-1, 3));
    assertThrows(ChunkRejectedException.class, () -> new ByteRange(4, 3));
  }

  // --- upload chunk Content-Range ---

  @ParameterizedTest(name = "{0} -> {1}-{2}")
  @CsvSource({
      "0-9, 0, 9",
      "0-0, 0, 0",
      "10-19, 10, 19",
      "bytes 10-19, 10, 19",
      "bytes=10-19, 10, 19",
      "bytes 10-19/100, 10, 19",
      "bytes=10-19/*, 10, 19",
      "10-19/20, 10, 19",
      "' 5-6 ', 5, 6",
  })
  void ofChunk_acceptedForms(String header, long first, long last) {
    assertEquals(new ByteRange(first, last), ByteRange.ofChunk(header));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "5-", "-5", "5", "bytes", "a-b", "5-4", "0-9/", "0-9/x", "bytes: 0-9", "0 - 9",
      "9999999999999999999-9999999999999999999"})
  void ofChunk_malformed_isBlobUploadInvalid416(String header) {
    ChunkRejectedException e = assertThrows(ChunkRejectedException.class, () -> ByteRange.ofChunk(header));
    assertEquals(ErrorCode.BLOB_UPLOAD_INVALID, e.code());
    assertTrue(e.upload().isEmpty());
    assertTrue(e.detail() != null && !e.detail().isEmpty());
  }
}
