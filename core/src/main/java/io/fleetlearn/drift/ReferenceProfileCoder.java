package io.fleetlearn.drift;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * Binary coder for {@link ReferenceProfile} (registry state). The current format starts with the
 * marker {@value #FORMAT_2} (a negative number where the first format had the dimension) and ends
 * with the out-of-sample score quantiles. A profile in the first format (from a savepoint taken
 * before) still decodes: its score counts came from the training rows, so it gets no score
 * quantiles and its windows get no prediction test until the machine's next promotion.
 */
public final class ReferenceProfileCoder extends AtomicCoder<ReferenceProfile> {
  private static final ReferenceProfileCoder INSTANCE = new ReferenceProfileCoder();
  private static final int MAX = 1 << 16;
  private static final int FORMAT_2 = -2;

  public static ReferenceProfileCoder of() {
    return INSTANCE;
  }

  private ReferenceProfileCoder() {}

  @Override
  public void encode(ReferenceProfile p, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    int dim = p.dim();
    d.writeInt(FORMAT_2);
    d.writeInt(dim);
    for (int j = 0; j < dim; j++) {
      writeFloats(d, p.bins(j).edges());
      writeLongs(d, p.counts(j));
      writeFloats(d, p.quantiles(j));
    }
    d.writeLong(p.rows());
    d.writeLong(p.labelled());
    d.writeLong(p.positives());
    writeFloats(d, p.scoreBins().edges());
    writeLongs(d, p.scoreCounts());
    writeFloats(d, p.scoreQuantiles());
    d.flush();
  }

  @Override
  public ReferenceProfile decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int first = d.readInt();
    boolean format2 = first == FORMAT_2;
    int dim = format2 ? d.readInt() : first;
    if (dim <= 0 || dim > MAX) {
      throw new IOException("corrupt ReferenceProfile: dim " + dim);
    }
    QuantileBins[] bins = new QuantileBins[dim];
    long[][] counts = new long[dim][];
    float[][] quantiles = new float[dim][];
    for (int j = 0; j < dim; j++) {
      bins[j] = QuantileBins.ofEdges(readFloats(d));
      counts[j] = readLongs(d);
      quantiles[j] = readFloats(d);
    }
    long rows = d.readLong();
    long labelled = d.readLong();
    long positives = d.readLong();
    QuantileBins sb = QuantileBins.ofEdges(readFloats(d));
    long[] sc = readLongs(d);
    float[] sq = format2 ? readFloats(d) : new float[0];
    return new ReferenceProfile(bins, counts, quantiles, rows, labelled, positives, sb, sc, sq);
  }

  private static void writeFloats(DataOutputStream d, float[] a) throws IOException {
    d.writeInt(a.length);
    for (float v : a) {
      d.writeFloat(v);
    }
  }

  private static void writeLongs(DataOutputStream d, long[] a) throws IOException {
    d.writeInt(a.length);
    for (long v : a) {
      d.writeLong(v);
    }
  }

  private static float[] readFloats(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0 || n > MAX) {
      throw new IOException("corrupt ReferenceProfile: length " + n);
    }
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = d.readFloat();
    }
    return a;
  }

  private static long[] readLongs(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0 || n > MAX) {
      throw new IOException("corrupt ReferenceProfile: length " + n);
    }
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = d.readLong();
    }
    return a;
  }

  @Override
  public void verifyDeterministic() {}
}
