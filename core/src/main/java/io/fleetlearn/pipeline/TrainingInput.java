package io.fleetlearn.pipeline;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.dataset.WindowSampleCoder;
import io.fleetlearn.registry.ModelUpdate;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What the fleet-aware trainer ({@link TrainWithFleetModelFn}) receives on its single keyed input:
 * either a machine's closed window (its sample and where the window and pane lie) or a promoted
 * fleet model (version, UBJ bytes, its threshold, the end of the window it was trained on). A
 * stateful DoFn takes one input, so both are flattened into this tagged union with an explicit
 * coder ({@link Coder}).
 */
final class TrainingInput {
  private final @Nullable String machineId;
  private final long windowStart;
  private final long windowEnd;
  private final long paneIndex;
  private final boolean late;
  private final @Nullable WindowSample sample;
  private final long fleetVersion;
  private final byte @Nullable [] fleetModel;
  private final double fleetThreshold;

  private TrainingInput(
      @Nullable String machineId,
      long windowStart,
      long windowEnd,
      long paneIndex,
      boolean late,
      @Nullable WindowSample sample,
      long fleetVersion,
      byte @Nullable [] fleetModel,
      double fleetThreshold) {
    this.machineId = machineId;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.paneIndex = paneIndex;
    this.late = late;
    this.sample = sample;
    this.fleetVersion = fleetVersion;
    this.fleetModel = fleetModel;
    this.fleetThreshold = fleetThreshold;
  }

  static TrainingInput window(
      String machineId,
      long windowStart,
      long windowEnd,
      long paneIndex,
      boolean late,
      WindowSample sample) {
    return new TrainingInput(
        Objects.requireNonNull(machineId),
        windowStart,
        windowEnd,
        paneIndex,
        late,
        Objects.requireNonNull(sample),
        0,
        null,
        Double.NaN);
  }

  /**
   * A fleet model: its version, bytes, threshold (NaN: none), and the end of the window it was
   * trained on (in {@code windowEnd}).
   */
  static TrainingInput fleet(long version, byte[] model, double threshold, long trainedOnEnd) {
    return new TrainingInput(
        null, 0, trainedOnEnd, 0, false, null, version, Objects.requireNonNull(model), threshold);
  }

  /** The champion a promoted fleet update carries. */
  static TrainingInput fleet(ModelUpdate u) {
    return fleet(u.version(), u.model(), u.modelThreshold(), u.modelWindowEnd());
  }

  boolean isWindow() {
    return sample != null;
  }

  String machineId() {
    return Objects.requireNonNull(machineId, "not a window");
  }

  long windowStart() {
    return windowStart;
  }

  /** The window's exclusive end; for a fleet model, the end of the window it was trained on. */
  long windowEnd() {
    return windowEnd;
  }

  long paneIndex() {
    return paneIndex;
  }

  boolean isLate() {
    return late;
  }

  WindowSample sample() {
    return Objects.requireNonNull(sample, "not a window");
  }

  long fleetVersion() {
    return fleetVersion;
  }

  byte[] fleetModel() {
    return Objects.requireNonNull(fleetModel, "not a fleet model");
  }

  double fleetThreshold() {
    return fleetThreshold;
  }

  @Override
  public String toString() {
    return isWindow()
        ? "TrainingInput{" + machineId + " [" + windowStart + "," + windowEnd + ")}"
        : "TrainingInput{fleet v" + fleetVersion + "}";
  }

  /** Tag byte, then the window (id, bounds, pane, sample) or the fleet model. */
  static final class Coder extends AtomicCoder<TrainingInput> {
    private static final Coder INSTANCE = new Coder();
    private static final int WINDOW = 0;
    private static final int FLEET = 1;

    static Coder of() {
      return INSTANCE;
    }

    private Coder() {}

    @Override
    public void encode(TrainingInput t, OutputStream out) throws IOException {
      DataOutputStream d = new DataOutputStream(out);
      if (t.isWindow()) {
        d.writeByte(WINDOW);
        d.flush();
        StringUtf8Coder.of().encode(t.machineId, out);
        d.writeLong(t.windowStart);
        d.writeLong(t.windowEnd);
        d.writeLong(t.paneIndex);
        d.writeBoolean(t.late);
        d.flush();
        WindowSampleCoder.of().encode(t.sample, out);
      } else {
        d.writeByte(FLEET);
        d.writeLong(t.fleetVersion);
        d.writeDouble(t.fleetThreshold);
        d.writeLong(t.windowEnd);
        d.flush();
        ByteArrayCoder.of().encode(t.fleetModel, out);
      }
    }

    @Override
    public TrainingInput decode(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      int tag = d.readUnsignedByte();
      if (tag == WINDOW) {
        String id = StringUtf8Coder.of().decode(in);
        long start = d.readLong();
        long end = d.readLong();
        long pane = d.readLong();
        boolean late = d.readBoolean();
        return window(id, start, end, pane, late, WindowSampleCoder.of().decode(in));
      }
      if (tag == FLEET) {
        long version = d.readLong();
        double threshold = d.readDouble();
        long trainedOnEnd = d.readLong();
        return fleet(version, ByteArrayCoder.of().decode(in), threshold, trainedOnEnd);
      }
      throw new IOException("corrupt TrainingInput: tag " + tag);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
