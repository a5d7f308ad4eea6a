package io.fleetlearn.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.values.KV;

/**
 * A {@link FileIO.Sink} for whole files given as (relative path, bytes): each element becomes the
 * file of that name, written through FileIO's temporary-file-and-rename protocol on any Beam
 * filesystem.
 */
public final class NamedFileSink implements FileIO.Sink<KV<String, byte[]>> {
  private transient WritableByteChannel channel;

  /** Writes each (relative path, bytes) element as the file {@code directory/path}. */
  public static FileIO.Write<String, KV<String, byte[]>> writeTo(String directory) {
    return FileIO.<String, KV<String, byte[]>>writeDynamic()
        .by(KV::getKey)
        .withDestinationCoder(StringUtf8Coder.of())
        .via(new NamedFileSink())
        .to(directory)
        .withNaming(name -> (window, pane, numShards, shardIndex, compression) -> name)
        .withNumShards(1);
  }

  @Override
  public void open(WritableByteChannel channel) {
    this.channel = channel;
  }

  @Override
  public void write(KV<String, byte[]> element) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(element.getValue());
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  @Override
  public void flush() {}
}
