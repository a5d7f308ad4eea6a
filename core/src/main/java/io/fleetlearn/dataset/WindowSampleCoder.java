package io.fleetlearn.dataset;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * Binary coder for {@link WindowSample}: a header of counts, then the sampled rows as one block
 * (priority, label, features), written through a single buffer so a 2,000-row sample costs one bulk
 * copy rather than thousands of stream calls.
 */
public final class WindowSampleCoder extends AtomicCoder<WindowSample> {
  private static final WindowSampleCoder INSTANCE = new WindowSampleCoder();
  private static final int MAX_DIM = 1 << 12;
  private static final int MAX_CAPACITY = 1 << 22;

  public static WindowSampleCoder of() {
    return INSTANCE;
  }

  private WindowSampleCoder() {}

  @Override
  public void encode(WindowSample s, OutputStream out) throws IOException {
    int dim = s.dim();
    int n = s.size();
    ByteBuffer b = ByteBuffer.allocate(4 * 3 + 8 * 5 + n * (8 + 1 + 4 * dim));
    b.putInt(dim).putInt(s.capacity()).putInt(n);
    b.putLong(s.seen()).putLong(s.labelled()).putLong(s.positives());
    b.putLong(s.minTimestamp()).putLong(s.maxTimestamp());
    long[] p = s.priorityArray();
    byte[] l = s.labelArray();
    float[] f = s.featureArray();
    for (int i = 0; i < n; i++) {
      b.putLong(p[i]).put(l[i]);
      for (int j = 0, o = i * dim; j < dim; j++) {
        b.putFloat(f[o + j]);
      }
    }
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(b.capacity());
    d.write(b.array());
    d.flush();
  }

  @Override
  public WindowSample decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int len = d.readInt();
    if (len < 52) {
      throw new IOException("corrupt WindowSample: " + len + " bytes");
    }
    // Read and check the fixed header before allocating for the rows: a corrupt length prefix
    // alone must not make the decoder allocate up to 2 GiB.
    byte[] header = new byte[52];
    d.readFully(header);
    ByteBuffer b = ByteBuffer.wrap(header);
    int dim = b.getInt();
    int capacity = b.getInt();
    int n = b.getInt();
    if (dim <= 0
        || dim > MAX_DIM
        || capacity <= 0
        || capacity > MAX_CAPACITY
        || n < 0
        || n > capacity
        || len != 52 + (long) n * (9 + 4L * dim)) {
      throw new IOException("corrupt WindowSample header");
    }
    long seen = b.getLong();
    long labelled = b.getLong();
    long positives = b.getLong();
    long minTs = b.getLong();
    long maxTs = b.getLong();
    byte[] body = new byte[len - 52];
    d.readFully(body);
    b = ByteBuffer.wrap(body);
    int rows = Math.max(n, 1);
    long[] p = new long[rows];
    byte[] l = new byte[rows];
    float[] f = new float[rows * dim];
    for (int i = 0; i < n; i++) {
      p[i] = b.getLong();
      l[i] = b.get();
      for (int j = 0, o = i * dim; j < dim; j++) {
        f[o + j] = b.getFloat();
      }
    }
    return WindowSample.restore(dim, capacity, n, f, l, p, seen, labelled, positives, minTs, maxTs);
  }

  @Override
  public void verifyDeterministic() {}
}
