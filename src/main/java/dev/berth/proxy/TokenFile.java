package dev.berth.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/** A bearer token kept in a file (a mounted Secret), read again when the file changes. */
final class TokenFile {
  private final Path path;
  private FileTime read;
  private String token;

  TokenFile(String path) {
    this.path = Path.of(path);
  }

  synchronized String token(String upstream) throws UpstreamException {
    try {
      FileTime now = Files.getLastModifiedTime(path);
      if (token == null || !now.equals(read)) {
        String t = Files.readString(path, StandardCharsets.UTF_8).strip();
        if (t.isEmpty() || t.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
          throw new UpstreamException("upstream " + upstream + ": its token file holds no single-line token", -1);
        }
        token = t;
        read = now;
      }
      return token;
    } catch (IOException e) {
      if (e instanceof UpstreamException u) {
        throw u;
      }
      throw new UpstreamException("upstream " + upstream + ": its token file can't be read", -1);
    }
  }
}
