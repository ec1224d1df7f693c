package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Bytes opened for reading. A {@link FileRegion} is sent straight from the file (no stream);
 * any content can be read as a stream.
 */
public sealed interface Content permits Content.Stream, Content.FileRegion {

  long length();

  /** A stream of exactly {@link #length()} bytes; the caller closes it. */
  InputStream openStream() throws IOException;

  /** Content the driver has already opened as a stream. */
  record Stream(InputStream stream, long length) implements Content {
    @Override
    public InputStream openStream() {
      return stream;
    }
  }

  /** A region of a local file. */
  record FileRegion(Path path, long offset, long length) implements Content {
    @Override
    public InputStream openStream() throws IOException {
      FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
      ch.position(offset);
      return new BoundedInputStream(Channels.newInputStream(ch), length);
    }
  }
}
