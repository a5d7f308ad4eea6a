package io.fleetlearn.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Immutable settings of the {@link SensorSimulator}: how many machines, how fast, which seed, which
 * features, which machines drift from when and by how much, and how many events are broken or
 * unlabelled. Build one with {@link #builder()}; every setting has a default.
 */
public final class SimulatorConfig {
  /** The feature names of the sensor event contract, in the order they are written. */
  public static final List<String> DEFAULT_FEATURES =
      List.of("temperature", "vibration", "pressure", "current");

  // The sensor event contract's rule for machine ids (config/sensor-event.schema.json).
  private static final Pattern MACHINE_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");

  private final int machines;
  private final double eventsPerSecondPerMachine;
  private final long seed;
  private final List<String> features;
  private final String machineIdPrefix;
  private final int machineIdDigits;
  private final Set<Integer> driftMachines;
  private final boolean[] isDriftMachine;
  private final long driftStartMillis;
  private final double driftMagnitude;
  private final List<String> driftFeatures;
  private final boolean driftChangesRelation;
  private final double malformedRatio;
  private final double labelRatio;
  private final double epochMillisRatio;

  private SimulatorConfig(Builder b) {
    if (b.machines < 1) {
      throw new IllegalArgumentException("machines must be at least 1: " + b.machines);
    }
    if (!(b.eventsPerSecondPerMachine > 0) || Double.isInfinite(b.eventsPerSecondPerMachine)) {
      throw new IllegalArgumentException(
          "eventsPerSecondPerMachine must be positive and finite: " + b.eventsPerSecondPerMachine);
    }
    requireRatio("malformedRatio", b.malformedRatio);
    requireRatio("labelRatio", b.labelRatio);
    requireRatio("epochMillisRatio", b.epochMillisRatio);
    if (!Double.isFinite(b.driftMagnitude)) {
      throw new IllegalArgumentException("driftMagnitude must be finite: " + b.driftMagnitude);
    }
    this.machines = b.machines;
    this.eventsPerSecondPerMachine = b.eventsPerSecondPerMachine;
    this.seed = b.seed;
    this.features = checkedNames("features", b.features);
    if (features.isEmpty()) {
      throw new IllegalArgumentException("at least one feature is needed");
    }
    this.driftFeatures = checkedNames("driftFeatures", b.driftFeatures);
    for (String f : driftFeatures) {
      if (!features.contains(f)) {
        throw new IllegalArgumentException("drift feature " + f + " is not among " + features);
      }
    }
    this.machineIdPrefix = b.machineIdPrefix;
    // press-000 ... press-999, and wider only when the fleet needs it, so ids sort as numbers.
    this.machineIdDigits = Math.max(3, Integer.toString(machines - 1).length());
    if (!MACHINE_ID.matcher(machineId(machines - 1)).matches()) {
      throw new IllegalArgumentException(
          "machine ids from prefix '" + machineIdPrefix + "' break the contract " + MACHINE_ID);
    }
    this.isDriftMachine = new boolean[machines];
    Set<Integer> drift = new TreeSet<>();
    for (int index : b.driftMachineIndices) {
      if (index < 0 || index >= machines) {
        throw new IllegalArgumentException(
            "drift machine index " + index + " is outside 0.." + (machines - 1));
      }
      drift.add(index);
    }
    for (String id : b.driftMachineIds) {
      int index = machineIndex(id);
      if (index < 0) {
        throw new IllegalArgumentException("drift machine " + id + " is not one of the machines");
      }
      drift.add(index);
    }
    for (int index : drift) {
      isDriftMachine[index] = true;
    }
    this.driftMachines = Collections.unmodifiableSet(drift);
    this.driftStartMillis = b.driftStartMillis;
    this.driftMagnitude = b.driftMagnitude;
    this.driftChangesRelation = b.driftChangesRelation;
    this.malformedRatio = b.malformedRatio;
    this.labelRatio = b.labelRatio;
    this.epochMillisRatio = b.epochMillisRatio;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this configuration's settings. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .machines(machines)
            .eventsPerSecondPerMachine(eventsPerSecondPerMachine)
            .seed(seed)
            .features(features)
            .machineIdPrefix(machineIdPrefix)
            .driftStartMillis(driftStartMillis)
            .driftMagnitude(driftMagnitude)
            .driftFeatures(driftFeatures)
            .driftChangesRelation(driftChangesRelation)
            .malformedRatio(malformedRatio)
            .labelRatio(labelRatio)
            .epochMillisRatio(epochMillisRatio);
    b.driftMachines(driftMachines);
    return b;
  }

  public int machines() {
    return machines;
  }

  public double eventsPerSecondPerMachine() {
    return eventsPerSecondPerMachine;
  }

  /** Events per second over the whole fleet. */
  public double eventsPerSecond() {
    return machines * eventsPerSecondPerMachine;
  }

  public long seed() {
    return seed;
  }

  public List<String> features() {
    return features;
  }

  public String machineIdPrefix() {
    return machineIdPrefix;
  }

  /** The id of machine {@code index}: the prefix and the zero-padded index, e.g. press-007. */
  public String machineId(int index) {
    if (index < 0 || index >= machines) {
      throw new IndexOutOfBoundsException("machine " + index + " of " + machines);
    }
    return machineIdPrefix + String.format(Locale.ROOT, "%0" + machineIdDigits + "d", index);
  }

  /** The index of the machine with this id, or -1 when no machine has it. */
  public int machineIndex(String machineId) {
    if (machineId == null || !machineId.startsWith(machineIdPrefix)) {
      return -1;
    }
    String digits = machineId.substring(machineIdPrefix.length());
    if (digits.length() != machineIdDigits || !digits.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    int index = Integer.parseInt(digits);
    return index < machines ? index : -1;
  }

  /** Indices of the machines that drift, ascending. */
  public Set<Integer> driftMachines() {
    return driftMachines;
  }

  public boolean isDriftMachine(int index) {
    return index >= 0 && index < machines && isDriftMachine[index];
  }

  /** Event time (epoch millis) from which the drift machines drift; 0 means from the start. */
  public long driftStartMillis() {
    return driftStartMillis;
  }

  /** How far the drifted features' means move, in units of each feature's noise std. */
  public double driftMagnitude() {
    return driftMagnitude;
  }

  public List<String> driftFeatures() {
    return driftFeatures;
  }

  /**
   * Whether a drifting machine's defects also start to depend on its features in a new way (concept
   * drift: the old model goes stale). When false, only the feature distribution moves and the
   * probability of a defect given the readings stays the same (covariate shift).
   */
  public boolean driftChangesRelation() {
    return driftChangesRelation;
  }

  /** Fraction of events written as broken payloads. */
  public double malformedRatio() {
    return malformedRatio;
  }

  /** Fraction of well-formed events that carry the defect label. */
  public double labelRatio() {
    return labelRatio;
  }

  /** Fraction of well-formed events whose timestamp is written as epoch millis, not ISO-8601. */
  public double epochMillisRatio() {
    return epochMillisRatio;
  }

  @Override
  public String toString() {
    return "SimulatorConfig{machines="
        + machines
        + ", eventsPerSecondPerMachine="
        + eventsPerSecondPerMachine
        + ", seed="
        + seed
        + ", features="
        + features
        + ", machineIdPrefix='"
        + machineIdPrefix
        + "', driftMachines="
        + driftMachines
        + ", driftStartMillis="
        + driftStartMillis
        + ", driftMagnitude="
        + driftMagnitude
        + ", driftFeatures="
        + driftFeatures
        + ", driftChangesRelation="
        + driftChangesRelation
        + ", malformedRatio="
        + malformedRatio
        + ", labelRatio="
        + labelRatio
        + ", epochMillisRatio="
        + epochMillisRatio
        + '}';
  }

  private static void requireRatio(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be within [0, 1]: " + value);
    }
  }

  private static List<String> checkedNames(String what, List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException(what + " holds an empty name: " + names);
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException(what + " holds " + name + " twice");
      }
    }
    return List.copyOf(names);
  }

  /** Mutable builder of {@link SimulatorConfig}; the setters return the builder. */
  public static final class Builder {
    private int machines = 8;
    private double eventsPerSecondPerMachine = 20;
    private long seed = 42;
    private List<String> features = DEFAULT_FEATURES;
    private String machineIdPrefix = "press-";
    private final Set<Integer> driftMachineIndices = new LinkedHashSet<>();
    private final Set<String> driftMachineIds = new LinkedHashSet<>();
    private long driftStartMillis = 0;
    private double driftMagnitude = 3;
    private List<String> driftFeatures = List.of("vibration");
    private boolean driftChangesRelation = true;
    private double malformedRatio = 0;
    private double labelRatio = 1.0;
    private double epochMillisRatio = 0;

    private Builder() {}

    public Builder machines(int machines) {
      this.machines = machines;
      return this;
    }

    public Builder eventsPerSecondPerMachine(double eventsPerSecondPerMachine) {
      this.eventsPerSecondPerMachine = eventsPerSecondPerMachine;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder features(List<String> features) {
      this.features = new ArrayList<>(features);
      return this;
    }

    public Builder features(String... features) {
      return features(Arrays.asList(features));
    }

    public Builder machineIdPrefix(String machineIdPrefix) {
      this.machineIdPrefix = machineIdPrefix == null ? "" : machineIdPrefix;
      return this;
    }

    /**
     * Sets the drift machines given by index (0-based). The drift machines are these and those of
     * {@link #driftMachineIds}: each setter replaces only its own kind, so both can be used.
     */
    public Builder driftMachines(int... indices) {
      driftMachineIndices.clear();
      for (int index : indices) {
        driftMachineIndices.add(index);
      }
      return this;
    }

    /** Sets the drift machines given by index (0-based); see {@link #driftMachines(int...)}. */
    public Builder driftMachines(Collection<Integer> indices) {
      driftMachineIndices.clear();
      driftMachineIndices.addAll(indices);
      return this;
    }

    /**
     * Sets the drift machines given by id, resolved against the prefix when built; see {@link
     * #driftMachines(int...)}.
     */
    public Builder driftMachineIds(String... ids) {
      driftMachineIds.clear();
      driftMachineIds.addAll(Arrays.asList(ids));
      return this;
    }

    public Builder driftStartMillis(long driftStartMillis) {
      this.driftStartMillis = driftStartMillis;
      return this;
    }

    public Builder driftMagnitude(double driftMagnitude) {
      this.driftMagnitude = driftMagnitude;
      return this;
    }

    public Builder driftFeatures(List<String> driftFeatures) {
      this.driftFeatures = new ArrayList<>(driftFeatures);
      return this;
    }

    public Builder driftFeatures(String... driftFeatures) {
      return driftFeatures(Arrays.asList(driftFeatures));
    }

    public Builder driftChangesRelation(boolean driftChangesRelation) {
      this.driftChangesRelation = driftChangesRelation;
      return this;
    }

    public Builder malformedRatio(double malformedRatio) {
      this.malformedRatio = malformedRatio;
      return this;
    }

    public Builder labelRatio(double labelRatio) {
      this.labelRatio = labelRatio;
      return this;
    }

    public Builder epochMillisRatio(double epochMillisRatio) {
      this.epochMillisRatio = epochMillisRatio;
      return this;
    }

    /**
     * Checks the settings and builds the configuration.
     *
     * @throws IllegalArgumentException when a setting is out of range or inconsistent
     */
    public SimulatorConfig build() {
      return new SimulatorConfig(this);
    }
  }
}
