package io.fleetlearn.drift;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;

/** Encodes a {@link DriftReport} as its published JSON. */
public final class DriftReportCoder extends AtomicCoder<DriftReport> {
  private static final DriftReportCoder INSTANCE = new DriftReportCoder();

  public static DriftReportCoder of() {
    return INSTANCE;
  }

  private DriftReportCoder() {}

  @Override
  public void encode(DriftReport r, OutputStream out) throws IOException {
    ByteArrayCoder.of().encode(r.toJson(), out);
  }

  @Override
  public DriftReport decode(InputStream in) throws IOException {
    return DriftReport.fromJson(ByteArrayCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
