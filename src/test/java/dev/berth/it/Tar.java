package dev.berth.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Minimal, deterministic POSIX ustar archives for test images: layers and rootfs tarballs are
 * written here byte for byte (fixed mtime, uid and gid 0), so their digests are known before any
 * client sees them; and archives that clients produce are read back to compare file contents.
 */
final class Tar {
  private static final int BLOCK = 512;
  /** 2024-01-01T00:00:00Z: a fixed mtime keeps layer digests stable across runs. */
  private static final long MTIME = 1_704_067_200L;

  private Tar() {}

  /**
   * An uncompressed tar of the files (path relative to the root, no leading slash, to content),
   * with a directory entry for each parent directory, in the given order.
   */
  static byte[] tar(Map<String, byte[]> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Set<String> dirs = new LinkedHashSet<>();
    for (String name : files.keySet()) {
      if (name.startsWith("/") || name.contains("..")) {
        throw new IllegalArgumentException("tar entry names are relative: " + name);
      }
      int slash = name.indexOf('/');
      while (slash > 0) {
        dirs.add(name.substring(0, slash + 1));
        slash = name.indexOf('/', slash + 1);
      }
    }
    for (String d : dirs) {
      out.writeBytes(header(d, 0, '5', 0755));
    }
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      byte[] data = f.getValue();
      out.writeBytes(header(f.getKey(), data.length, '0', 0644));
      out.writeBytes(data);
      out.writeBytes(new byte[pad(data.length)]);
    }
    out.writeBytes(new byte[2 * BLOCK]);
    return out.toByteArray();
  }

  /** The gzip of the bytes (Java writes mtime 0, so the result is deterministic). */
  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] data) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The regular files of a tar (gzip-compressed or not), by name without a leading {@code ./} or
   * {@code /}. Handles ustar prefixes and PAX {@code path} records, which is what clients write.
   */
  static Map<String, byte[]> files(byte[] archive) {
    byte[] tar = archive.length > 2 && (archive[0] & 0xff) == 0x1f && (archive[1] & 0xff) == 0x8b ? gunzip(archive) : archive;
    Map<String, byte[]> files = new LinkedHashMap<>();
    int pos = 0;
    String paxPath = null;
    while (pos + BLOCK <= tar.length) {
      byte[] h = Arrays.copyOfRange(tar, pos, pos + BLOCK);
      if (isZero(h)) {
        break;
      }
      String name = string(h, 0, 100);
      long size = octal(h, 124, 12);
      char type = (char) h[156];
      String prefix = "ustar".equals(string(h, 257, 5)) ? string(h, 345, 155) : "";
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      int dataStart = pos + BLOCK;
      byte[] data = Arrays.copyOfRange(tar, dataStart, (int) (dataStart + size));
      pos = dataStart + (int) size + pad(size);
      if (type == 'x') {
        paxPath = paxRecord(data, "path");
        continue;
      }
      if (type == 'g' || type == 'L') {
        continue;
      }
      if (paxPath != null) {
        name = paxPath;
        paxPath = null;
      }
      if (type == '0' || type == '\0') {
        files.put(normalize(name), data);
      }
    }
    return files;
  }

  private static String normalize(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.substring(n.startsWith("./") ? 2 : 1);
    }
    return n;
  }

  private static String paxRecord(byte[] data, String key) {
    String text = new String(data, StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      int sp = line.indexOf(' ');
      int eq = line.indexOf('=');
      if (sp > 0 && eq > sp && line.substring(sp + 1, eq).equals(key)) {
        return line.substring(eq + 1);
      }
    }
    return null;
  }

  private static byte[] header(String name, long size, char type, int mode) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100) {
      throw new IllegalArgumentException("tar entry name too long for this writer: " + name);
    }
    byte[] h = new byte[BLOCK];
    System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
    putOctal(h, 100, 8, mode);
    putOctal(h, 108, 8, 0);
    putOctal(h, 116, 8, 0);
    putOctal(h, 124, 12, size);
    putOctal(h, 136, 12, MTIME);
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    put(h, 257, "ustar\0");
    put(h, 263, "00");
    put(h, 265, "root");
    put(h, 297, "root");
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chk = String.format("%06o", sum);
    put(h, 148, chk);
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void putOctal(byte[] h, int off, int len, long value) {
    String s = String.format("%0" + (len - 1) + "o", value);
    put(h, off, s);
    h[off + len - 1] = 0;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  private static String string(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] h, int off, int len) {
    String s = string(h, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

  private static int pad(long size) {
    return (int) ((BLOCK - size % BLOCK) % BLOCK);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
