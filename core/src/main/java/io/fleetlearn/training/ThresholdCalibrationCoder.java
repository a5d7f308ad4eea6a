package io.fleetlearn.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Binary coder of a {@link ThresholdCalibration} in the registry's state: the model's SHA-256, the
 * basis, the window count and the two histograms as raw floats (about 1.3 KB a machine).
 */
public final class ThresholdCalibrationCoder extends AtomicCoder<ThresholdCalibration> {
  private static final ThresholdCalibrationCoder INSTANCE = new ThresholdCalibrationCoder();

  public static ThresholdCalibrationCoder of() {
    return INSTANCE;
  }

  private ThresholdCalibrationCoder() {}

  @Override
  public void encode(ThresholdCalibration c, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    byte[] sha = c.modelSha256().getBytes(StandardCharsets.UTF_8);
    d.writeShort(sha.length);
    d.write(sha);
    d.writeDouble(c.basis());
    d.writeInt(c.windows());
    d.writeShort(ThresholdCalibration.BINS);
    for (float v : c.negativeCounts()) {
      d.writeFloat(v);
    }
    for (float v : c.positiveCounts()) {
      d.writeFloat(v);
    }
    d.flush();
  }

  @Override
  public ThresholdCalibration decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    byte[] sha = new byte[d.readUnsignedShort()];
    d.readFully(sha);
    double basis = d.readDouble();
    int windows = d.readInt();
    int bins = d.readUnsignedShort();
    if (bins != ThresholdCalibration.BINS) {
      throw new CoderException(
          "a threshold calibration of " + bins + " bins, expected " + ThresholdCalibration.BINS);
    }
    float[] neg = new float[bins];
    float[] pos = new float[bins];
    for (int k = 0; k < bins; k++) {
      neg[k] = d.readFloat();
    }
    for (int k = 0; k < bins; k++) {
      pos[k] = d.readFloat();
    }
    return new ThresholdCalibration(
        new String(sha, StandardCharsets.UTF_8), neg, pos, basis, windows);
  }

  @Override
  public void verifyDeterministic() {}
}
