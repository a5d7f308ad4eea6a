package io.fleetlearn.sim;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Makes sensor events for a fleet of machines, one at a time, round-robin over the machines, as
 * Kafka key and value bytes in the sensor event contract (config/sensor-event.schema.json).
 *
 * <p>Each machine has its own baseline and noise per feature, and its own defect process:
 *
 * <pre>
 * P(defect) = sigmoid(bias_m + sum_j w_mj z_j + v_m z_a z_b + q_m (z_c^2 - 1))
 * </pre>
 *
 * where {@code z_j} is feature j's deviation from the machine's mean in units of its noise std, the
 * weights' signs are spread over the fleet so that each feature raises the risk on some machines
 * and lowers it on others, {@code a, b, c} are machine-specific features (an interaction and a
 * U-shaped "too far either way" risk), and {@code bias_m} is calibrated so the machine's base
 * defect rate is between 6% and 12%. One model over the whole fleet has to untangle these opposite
 * relations; one model per machine learns its own from a few hundred events.
 *
 * <p>Drift: on the configured drift machines, from {@code driftStartMillis} on, the drift features'
 * means move by {@code driftMagnitude} noise stds. When {@link
 * SimulatorConfig#driftChangesRelation()} is set, the machine's defect process is also replaced by
 * a second, independently drawn one (with its base rate calibrated the same way).
 *
 * <p>Deterministic: the same configuration gives the same byte sequence on every JVM (the random
 * numbers come from {@link SplitMix64} and the math from {@link StrictMath}). Separate random
 * streams drive the readings, the labels, the label mask, the timestamp format and the breakage, so
 * changing e.g. {@code malformedRatio} does not change the readings of the other events. Not
 * thread-safe; one allocation per event besides the record itself: the value array.
 */
public final class SensorSimulator {
  // Feature values are written with DECIMALS decimals, and rounded to them before labelling.
  private static final int DECIMALS = 4;
  private static final long SCALE = 10_000; // 10^DECIMALS
  private static final int CALIBRATION_SAMPLES = 4096;
  private static final double MIN_BASE_RATE = 0.06;
  private static final double MAX_BASE_RATE = 0.12;
  private static final MalformedKind[] KINDS = MalformedKind.values();
  private static final byte[][] GARBAGE_TIMESTAMPS = {
    ascii("\"2026-13-45T25:61:99Z\""), ascii("\"yesterday\""), ascii("\"\"")
  };

  private final SimulatorConfig config;
  private final int machines;
  private final int featureCount;
  private final String[] machineIds;
  private final byte[][] keys;
  private final byte[][] featureFields;
  private final byte[] unknownFeatureField;
  private final boolean[] driftFeature;
  private final double driftMagnitude;
  private final long driftStartMillis;
  // [machine * featureCount + feature]
  private final double[] baseline;
  private final double[] noiseStd;
  private final DefectProcess stable;
  private final DefectProcess drifted;

  private final SplitMix64 readingRng;
  private final SplitMix64 labelRng;
  private final SplitMix64 maskRng;
  private final SplitMix64 formatRng;
  private final SplitMix64 malformedRng;

  // Reused for every event.
  private final long[] scaled;
  private final float[] values;
  private byte[] buf = new byte[256];
  private int len;

  private long sequence;
  private long malformedCount;

  public SensorSimulator(SimulatorConfig config) {
    this.config = config;
    this.machines = config.machines();
    List<String> features = config.features();
    this.featureCount = features.size();
    this.machineIds = new String[machines];
    this.keys = new byte[machines][];
    for (int m = 0; m < machines; m++) {
      machineIds[m] = config.machineId(m);
      keys[m] = machineIds[m].getBytes(StandardCharsets.UTF_8);
    }
    this.featureFields = new byte[featureCount][];
    this.driftFeature = new boolean[featureCount];
    for (int j = 0; j < featureCount; j++) {
      featureFields[j] = field(features.get(j));
      driftFeature[j] = config.driftFeatures().contains(features.get(j));
    }
    String unknown = "humidity";
    for (int i = 2; features.contains(unknown); i++) {
      unknown = "humidity_" + i;
    }
    this.unknownFeatureField = field(unknown);
    this.driftMagnitude = config.driftMagnitude();
    this.driftStartMillis = config.driftStartMillis();

    // One root stream hands out the seeds of the others, so each has its own sequence.
    SplitMix64 root = new SplitMix64(config.seed());
    SplitMix64 params = new SplitMix64(root.nextLong());
    this.readingRng = new SplitMix64(root.nextLong());
    this.labelRng = new SplitMix64(root.nextLong());
    this.maskRng = new SplitMix64(root.nextLong());
    this.formatRng = new SplitMix64(root.nextLong());
    this.malformedRng = new SplitMix64(root.nextLong());
    SplitMix64 calibration = new SplitMix64(root.nextLong());

    this.baseline = new double[machines * featureCount];
    this.noiseStd = new double[machines * featureCount];
    for (int m = 0; m < machines; m++) {
      for (int j = 0; j < featureCount; j++) {
        FeatureProfile profile = FeatureProfile.of(features.get(j));
        double base = params.uniform(profile.baseLow, profile.baseHigh);
        baseline[m * featureCount + j] = base;
        noiseStd[m * featureCount + j] =
            profile.relativeStd
                ? base * params.uniform(profile.stdLow, profile.stdHigh)
                : params.uniform(profile.stdLow, profile.stdHigh);
      }
    }
    double[] z = new double[CALIBRATION_SAMPLES * featureCount];
    for (int i = 0; i < z.length; i++) {
      z[i] = calibration.nextGaussian();
    }
    this.stable = new DefectProcess(machines, featureCount, params, z);
    this.drifted = new DefectProcess(machines, featureCount, params, z);
    this.scaled = new long[featureCount];
    this.values = new float[featureCount];
  }

  public SimulatorConfig config() {
    return config;
  }

  /** How many events {@link #next} has made so far. */
  public long eventsGenerated() {
    return sequence;
  }

  /** The machine's mean of feature {@code feature} before any drift. */
  public double baseline(int machine, int feature) {
    return baseline[machine * featureCount + feature];
  }

  /** The machine's noise std of feature {@code feature}. */
  public double noiseStd(int machine, int feature) {
    return noiseStd[machine * featureCount + feature];
  }

  /** Whether the machine's readings at event time {@code eventTimeMillis} are drifted. */
  public boolean isDrifting(int machine, long eventTimeMillis) {
    return config.isDriftMachine(machine) && eventTimeMillis >= driftStartMillis;
  }

  /**
   * The machine's probability of a defect for these readings (in the order of {@link
   * SimulatorConfig#features()}) at this event time. A NaN reading counts as an average one.
   */
  public double defectProbability(int machine, float[] features, long eventTimeMillis) {
    if (features.length != featureCount) {
      throw new IllegalArgumentException(
          "expected " + featureCount + " features, got " + features.length);
    }
    boolean drifting = isDrifting(machine, eventTimeMillis);
    boolean newRelation = drifting && config.driftChangesRelation();
    DefectProcess process = newRelation ? drifted : stable;
    int row = machine * featureCount;
    double logit = process.bias[machine];
    double za = 0;
    double zb = 0;
    double zc = 0;
    for (int j = 0; j < featureCount; j++) {
      double mean = baseline[row + j];
      // Under concept drift the machine is "re-centred" on its new mean; otherwise the old
      // relation holds and the shifted readings simply look extreme to it (covariate shift).
      if (newRelation && driftFeature[j]) {
        mean += driftMagnitude * noiseStd[row + j];
      }
      double zj = Float.isNaN(features[j]) ? 0 : (features[j] - mean) / noiseStd[row + j];
      logit += process.weight[row + j] * zj;
      if (j == process.interactionA[machine]) {
        za = zj;
      }
      if (j == process.interactionB[machine]) {
        zb = zj;
      }
      if (j == process.stressFeature[machine]) {
        zc = zj;
      }
    }
    logit += process.interaction[machine] * za * zb + process.stress[machine] * (zc * zc - 1);
    return 1 / (1 + StrictMath.exp(-logit));
  }

  /** Makes the next event, for the next machine in round-robin order, at this event time. */
  public SimulatedRecord next(long eventTimeMillis) {
    int m = (int) (sequence++ % machines);
    int row = m * featureCount;
    boolean drifting = isDrifting(m, eventTimeMillis);
    for (int j = 0; j < featureCount; j++) {
      double std = noiseStd[row + j];
      double mean = baseline[row + j];
      if (drifting && driftFeature[j]) {
        mean += driftMagnitude * std;
      }
      double x = mean + std * readingRng.nextGaussian();
      // Label from the rounded value, so a consumer recomputes the same probability from the JSON.
      // Clamped so the negation in putFixed cannot overflow, whatever the drift magnitude.
      scaled[j] = Math.max(-Long.MAX_VALUE, Math.round(x * SCALE));
      values[j] = (float) (scaled[j] / (double) SCALE);
    }
    boolean defect = labelRng.nextDouble() < defectProbability(m, values, eventTimeMillis);
    boolean labelled = maskRng.nextDouble() < config.labelRatio();
    boolean epochMillis = formatRng.nextDouble() < config.epochMillisRatio();
    MalformedKind kind = null;
    int target = 0;
    if (malformedRng.nextDouble() < config.malformedRatio()) {
      // Cycling through the kinds makes every kind show up, at an equal share.
      kind = KINDS[(int) (malformedCount++ % KINDS.length)];
      target = malformedRng.nextInt(featureCount);
    }

    byte[] value;
    if (kind == MalformedKind.EMPTY_PAYLOAD) {
      value = new byte[0];
    } else if (kind == MalformedKind.NOT_JSON) {
      writeCsv(m, eventTimeMillis);
      value = Arrays.copyOf(buf, len);
    } else {
      writeJson(m, eventTimeMillis, epochMillis, labelled, defect, kind, target);
      int end = len;
      if (kind == MalformedKind.TRUNCATED_JSON) {
        // Any strict prefix of a JSON object is incomplete: the closing brace is the last byte.
        end = 1 + malformedRng.nextInt(len - 1);
      }
      value = Arrays.copyOf(buf, end);
    }
    Boolean label = kind == null && labelled ? Boolean.valueOf(defect) : null;
    return new SimulatedRecord(keys[m], value, machineIds[m], m, eventTimeMillis, kind, label);
  }

  private void writeJson(
      int m,
      long t,
      boolean epochMillis,
      boolean labelled,
      boolean defect,
      MalformedKind kind,
      int target) {
    len = 0;
    put('{');
    if (kind != MalformedKind.MISSING_MACHINE_ID) {
      putAscii("\"machineId\":");
      if (kind == MalformedKind.EMPTY_MACHINE_ID) {
        putAscii("\"\"");
      } else if (kind == MalformedKind.MACHINE_ID_NOT_STRING) {
        putLong(m);
      } else {
        put('"');
        put(keys[m]);
        if (kind == MalformedKind.INVALID_UTF8) {
          // A lead byte followed by an ASCII byte: no UTF-8 decoder may accept it.
          put((byte) 0xC3);
          put((byte) 0x28);
        }
        put('"');
      }
      put(',');
    }
    putAscii("\"timestamp\":");
    if (kind == MalformedKind.GARBAGE_TIMESTAMP) {
      put(GARBAGE_TIMESTAMPS[(int) (malformedCount % GARBAGE_TIMESTAMPS.length)]);
    } else if (epochMillis) {
      putLong(t);
    } else {
      put('"');
      putInstant(t);
      put('"');
    }
    putAscii(",\"features\":");
    if (kind == MalformedKind.FEATURES_NOT_OBJECT) {
      put('"');
      for (int j = 0; j < featureCount; j++) {
        if (j > 0) {
          put(';');
        }
        putFixed(scaled[j]);
      }
      put('"');
    } else {
      put('{');
      for (int j = 0; j < featureCount; j++) {
        if (j > 0) {
          put(',');
        }
        boolean hit = j == target;
        put(hit && kind == MalformedKind.UNKNOWN_FEATURE ? unknownFeatureField : featureFields[j]);
        if (hit && kind == MalformedKind.FEATURE_WRONG_TYPE) {
          putAscii("\"hot\"");
        } else if (hit && kind == MalformedKind.NAN_FEATURE) {
          putAscii("NaN");
        } else if (hit && kind == MalformedKind.INFINITE_FEATURE) {
          putAscii("1e999");
        } else {
          putFixed(scaled[j]);
        }
      }
      put('}');
    }
    if (kind == MalformedKind.DEFECT_NOT_BOOLEAN) {
      putAscii(",\"defect\":\"yes\"");
    } else if (labelled) {
      putAscii(defect ? ",\"defect\":true" : ",\"defect\":false");
    }
    put('}');
  }

  private void writeCsv(int m, long t) {
    len = 0;
    put(keys[m]);
    put(',');
    putInstant(t);
    for (int j = 0; j < featureCount; j++) {
      put(',');
      putFixed(scaled[j]);
    }
  }

  private void put(char c) {
    put((byte) c);
  }

  private void put(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  private void put(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  // Only for literals: ASCII strings whose chars are their bytes.
  private void putAscii(String s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  private void putLong(long v) {
    if (v == Long.MIN_VALUE) {
      putAscii(Long.toString(v));
      return;
    }
    if (v < 0) {
      put('-');
      v = -v;
    }
    int digits = 1;
    for (long p = v; p >= 10; p /= 10) {
      digits++;
    }
    ensure(digits);
    for (int i = len + digits - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len += digits;
  }

  /** Writes {@code scaled / 10^DECIMALS} as a decimal, with at least one digit after the point. */
  private void putFixed(long scaledValue) {
    long v = scaledValue;
    if (v < 0) {
      put('-');
      v = -v;
    }
    putLong(v / SCALE);
    put('.');
    int fraction = (int) (v % SCALE);
    int digits = DECIMALS;
    while (digits > 1 && fraction % 10 == 0) {
      fraction /= 10;
      digits--;
    }
    ensure(digits);
    for (int i = len + digits - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + fraction % 10);
      fraction /= 10;
    }
    len += digits;
  }

  /** Writes an ISO-8601 instant in UTC with millis, e.g. 2026-11-27T10:15:30.250Z. */
  private void putInstant(long epochMillis) {
    long days = Math.floorDiv(epochMillis, 86_400_000L);
    int millisOfDay = (int) Math.floorMod(epochMillis, 86_400_000L);
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
    long shifted = days + 719_468;
    long era = Math.floorDiv(shifted, 146_097);
    long dayOfEra = shifted - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthIndex = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
      // ISO-8601 needs a sign and more digits there; not worth a fast path.
      putAscii(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis)));
      return;
    }
    putDigits(year, 4);
    put('-');
    putDigits(month, 2);
    put('-');
    putDigits(day, 2);
    put('T');
    putDigits(millisOfDay / 3_600_000, 2);
    put(':');
    putDigits(millisOfDay / 60_000 % 60, 2);
    put(':');
    putDigits(millisOfDay / 1000 % 60, 2);
    put('.');
    putDigits(millisOfDay % 1000, 3);
    put('Z');
  }

  private void putDigits(long v, int digits) {
    ensure(digits);
    for (int i = len + digits - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len += digits;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  /** The bytes of {@code "name":} with the name escaped for JSON. */
  private static byte[] field(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 3).append('"');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append("\":").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Where a feature's baseline and noise std are drawn from. */
  private static final class FeatureProfile {
    final double baseLow;
    final double baseHigh;
    final double stdLow;
    final double stdHigh;
    // For features the simulator has no physics for: noise as a fraction of the baseline.
    final boolean relativeStd;

    private FeatureProfile(
        double baseLow, double baseHigh, double stdLow, double stdHigh, boolean relativeStd) {
      this.baseLow = baseLow;
      this.baseHigh = baseHigh;
      this.stdLow = stdLow;
      this.stdHigh = stdHigh;
      this.relativeStd = relativeStd;
    }

    static FeatureProfile of(String feature) {
      switch (feature) {
        case "temperature": // degrees Celsius
          return new FeatureProfile(60, 80, 1.0, 3.0, false);
        case "vibration": // mm/s RMS
          return new FeatureProfile(0.3, 1.2, 0.04, 0.12, false);
        case "pressure": // bar
          return new FeatureProfile(4, 6, 0.1, 0.3, false);
        case "current": // amperes
          return new FeatureProfile(10, 15, 0.3, 0.8, false);
        default:
          return new FeatureProfile(10, 100, 0.02, 0.05, true);
      }
    }
  }

  /** One defect process per machine: weights, interaction, stress term, calibrated bias. */
  private static final class DefectProcess {
    final double[] weight;
    final double[] bias;
    final int[] interactionA;
    final int[] interactionB;
    final double[] interaction;
    final int[] stressFeature;
    final double[] stress;

    DefectProcess(int machines, int featureCount, SplitMix64 rng, double[] calibrationZ) {
      weight = new double[machines * featureCount];
      bias = new double[machines];
      interactionA = new int[machines];
      interactionB = new int[machines];
      interaction = new double[machines];
      stressFeature = new int[machines];
      stress = new double[machines];
      double[] signs = new double[machines];
      for (int j = 0; j < featureCount; j++) {
        // Half the machines get a positive weight and half a negative one (shuffled), so that
        // every feature means something different on different machines, for any seed.
        for (int m = 0; m < machines; m++) {
          signs[m] = m < machines / 2 ? 1 : -1;
        }
        if (machines % 2 == 1) {
          signs[machines - 1] = rng.nextDouble() < 0.5 ? 1 : -1;
        }
        for (int m = machines - 1; m > 0; m--) {
          int k = rng.nextInt(m + 1);
          double s = signs[m];
          signs[m] = signs[k];
          signs[k] = s;
        }
        for (int m = 0; m < machines; m++) {
          weight[m * featureCount + j] = signs[m] * rng.uniform(0.8, 2.0);
        }
      }
      for (int m = 0; m < machines; m++) {
        interactionA[m] = rng.nextInt(featureCount);
        if (featureCount > 1) {
          interactionB[m] = (interactionA[m] + 1 + rng.nextInt(featureCount - 1)) % featureCount;
          interaction[m] = (rng.nextDouble() < 0.5 ? 1 : -1) * rng.uniform(0.8, 1.5);
        } else {
          interactionB[m] = interactionA[m];
        }
        stressFeature[m] = rng.nextInt(featureCount);
        stress[m] = rng.uniform(0.3, 0.8);
        double target = rng.uniform(MIN_BASE_RATE, MAX_BASE_RATE);
        bias[m] = calibrateBias(m, featureCount, calibrationZ, target);
      }
    }

    /** The bias at which the mean defect probability over standard-normal readings is target. */
    private double calibrateBias(int m, int featureCount, double[] z, double target) {
      int samples = z.length / featureCount;
      double[] score = new double[samples];
      for (int i = 0; i < samples; i++) {
        int row = i * featureCount;
        double s = 0;
        for (int j = 0; j < featureCount; j++) {
          s += weight[m * featureCount + j] * z[row + j];
        }
        double zc = z[row + stressFeature[m]];
        score[i] =
            s
                + interaction[m] * z[row + interactionA[m]] * z[row + interactionB[m]]
                + stress[m] * (zc * zc - 1);
      }
      // The mean probability grows with the bias: Newton steps, kept inside a shrinking bracket
      // (bisecting when a step leaves it), converge in a handful of passes over the sample.
      double low = -30;
      double high = 30;
      double b = 0;
      for (int iteration = 0; iteration < 100; iteration++) {
        double mean = 0;
        double slope = 0;
        for (double s : score) {
          double p = 1 / (1 + StrictMath.exp(-(b + s)));
          mean += p;
          slope += p * (1 - p);
        }
        double error = mean / samples - target;
        if (Math.abs(error) < 1e-9) {
          break;
        }
        if (error < 0) {
          low = b;
        } else {
          high = b;
        }
        double step = slope > 0 ? b - error / (slope / samples) : Double.NaN;
        b = step > low && step < high ? step : (low + high) / 2;
      }
      return b;
    }
  }
}
