package io.fleetlearn.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Turns a row's raw feature values into the float vector a model takes, and back into words for the
 * model's metadata. Training and prediction ({@link EntityPredictor}) use the same instance,
 * rebuilt from the metadata JSON, so a model always sees its features encoded the way it was
 * trained.
 *
 * <p>Features are the numeric columns in order, then for each categorical column one one-hot
 * feature per known category, named {@code column=value}. Rules:
 *
 * <ul>
 *   <li>numeric: a decimal number (optional sign, fraction and exponent) that is finite as a float;
 *       a missing value is NaN, which XGBoost treats as missing; anything else rejects the row
 *       ({@link RowRejectReason#INVALID_NUMBER});
 *   <li>categorical, known value: 1 in its feature, 0 in the column's others;
 *   <li>categorical, unseen value (not in the vocabulary, e.g. new at prediction time or beyond
 *       {@code maxCategories}): 0 in all the column's features, i.e. "none of the known ones";
 *   <li>categorical, missing value: NaN in all the column's features (XGBoost's missing branch).
 * </ul>
 */
public final class TabularEncoder {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /** Documented in the metadata so that a reader of it needs no source code. */
  static final String RULE_MISSING_NUMBER = "NaN (XGBoost's missing value)";

  static final String RULE_MISSING_CATEGORY = "NaN in every one-hot feature of the column";
  static final String RULE_UNSEEN_CATEGORY = "0 in every one-hot feature of the column";

  private final List<String> numericColumns;
  private final LinkedHashMap<String, List<String>> categories;
  private final MissingValues missing;
  private final List<String> featureNames;
  private final HashMap<String, HashMap<String, Integer>> oneHotIndex;
  private final int[] blockStart;
  private final int[] blockSize;

  private TabularEncoder(
      List<String> numericColumns,
      LinkedHashMap<String, List<String>> categories,
      MissingValues missing) {
    this.numericColumns = List.copyOf(numericColumns);
    this.categories = categories;
    this.missing = missing;
    List<String> names = new ArrayList<>(this.numericColumns);
    this.oneHotIndex = new HashMap<>();
    this.blockStart = new int[categories.size()];
    this.blockSize = new int[categories.size()];
    int b = 0;
    for (Map.Entry<String, List<String>> e : categories.entrySet()) {
      blockStart[b] = names.size();
      blockSize[b] = e.getValue().size();
      HashMap<String, Integer> idx = new HashMap<>();
      for (String v : e.getValue()) {
        idx.put(v, names.size());
        names.add(e.getKey() + "=" + v);
      }
      oneHotIndex.put(e.getKey(), idx);
      b++;
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "no features: no numeric columns and no category seen in the categorical columns");
    }
    this.featureNames = Collections.unmodifiableList(names);
  }

  /**
   * An encoder for the given numeric columns and categorical columns (in {@code categoricalColumns}
   * order, each with its vocabulary from {@code categories}; a column absent from it has none).
   */
  public static TabularEncoder of(
      List<String> numericColumns,
      Map<String, List<String>> categories,
      List<String> categoricalColumns,
      MissingValues missing) {
    LinkedHashMap<String, List<String>> c = new LinkedHashMap<>();
    for (String column : categoricalColumns) {
      List<String> vocab = categories.getOrDefault(column, List.of());
      if (new LinkedHashSet<>(vocab).size() != vocab.size()) {
        throw new IllegalArgumentException("duplicate category in column " + column);
      }
      c.put(column, List.copyOf(vocab));
    }
    return new TabularEncoder(numericColumns, c, missing);
  }

  /** Number of features (the width of {@link #encode}'s result). */
  public int dim() {
    return featureNames.size();
  }

  public List<String> featureNames() {
    return featureNames;
  }

  public List<String> numericColumns() {
    return numericColumns;
  }

  /** Categorical columns with their vocabularies, in feature order. */
  public Map<String, List<String>> categories() {
    return Collections.unmodifiableMap(categories);
  }

  public MissingValues missing() {
    return missing;
  }

  /** Encodes the row whose raw value of a column {@code valueOf} returns (null when absent). */
  public float[] encode(Function<String, @Nullable String> valueOf) throws RowRejectedException {
    float[] f = new float[featureNames.size()];
    int j = 0;
    for (String c : numericColumns) {
      String v = valueOf.apply(c);
      f[j++] = missing.isMissing(v) ? Float.NaN : parseNumber(c, v);
    }
    int b = 0;
    for (String c : categories.keySet()) {
      String v = valueOf.apply(c);
      if (missing.isMissing(v)) {
        Arrays.fill(f, blockStart[b], blockStart[b] + blockSize[b], Float.NaN);
      } else {
        Integer k = oneHotIndex.get(c).get(v.trim());
        if (k != null) {
          f[k] = 1f;
        }
      }
      b++;
    }
    return f;
  }

  /** Encodes a row given as column → raw value. */
  public float[] encode(Map<String, String> row) throws RowRejectedException {
    return encode(row::get);
  }

  /** Parses a numeric feature value, rejecting what is not a finite decimal float. */
  public static float parseNumber(String column, String raw) throws RowRejectedException {
    String s = raw.trim();
    if (DECIMAL.matcher(s).matches()) {
      float f = (float) Double.parseDouble(s);
      if (Float.isFinite(f)) {
        return f;
      }
    }
    throw new RowRejectedException(
        RowRejectReason.INVALID_NUMBER,
        "column " + column + " holds \"" + s + "\", not a finite decimal number");
  }

  /** The encoder as the {@code encoding} object of a model's metadata. */
  public ObjectNode toJson() {
    ObjectNode n = MAPPER.createObjectNode();
    ArrayNode features = n.putArray("features");
    featureNames.forEach(features::add);
    ArrayNode numeric = n.putArray("numeric");
    numericColumns.forEach(numeric::add);
    ArrayNode categorical = n.putArray("categorical");
    for (Map.Entry<String, List<String>> e : categories.entrySet()) {
      ObjectNode c = categorical.addObject();
      c.put("column", e.getKey());
      c.put("encoding", "one-hot");
      ArrayNode values = c.putArray("categories");
      e.getValue().forEach(values::add);
    }
    ArrayNode m = n.putArray("missingValues");
    missing.tokens().forEach(m::add);
    ObjectNode rules = n.putObject("rules");
    rules.put("missingNumber", RULE_MISSING_NUMBER);
    rules.put("missingCategory", RULE_MISSING_CATEGORY);
    rules.put("unseenCategory", RULE_UNSEEN_CATEGORY);
    return n;
  }

  /** Rebuilds an encoder from {@link #toJson()}; the feature list must match. */
  public static TabularEncoder fromJson(JsonNode n) {
    List<String> numeric = new ArrayList<>();
    n.path("numeric").forEach(x -> numeric.add(x.asText()));
    LinkedHashMap<String, List<String>> cats = new LinkedHashMap<>();
    for (JsonNode c : n.path("categorical")) {
      List<String> values = new ArrayList<>();
      c.path("categories").forEach(x -> values.add(x.asText()));
      cats.put(c.path("column").asText(), values);
    }
    List<String> tokens = new ArrayList<>();
    n.path("missingValues").forEach(x -> tokens.add(x.asText()));
    TabularEncoder e = of(numeric, cats, new ArrayList<>(cats.keySet()), MissingValues.of(tokens));
    List<String> declared = new ArrayList<>();
    n.path("features").forEach(x -> declared.add(x.asText()));
    if (!declared.isEmpty() && !declared.equals(e.featureNames)) {
      throw new IllegalArgumentException(
          "encoding lists features " + declared + " but its columns give " + e.featureNames);
    }
    return e;
  }

  byte[] toJsonBytes() {
    try {
      return MAPPER.writeValueAsBytes(toJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TabularEncoder fromJsonBytes(byte[] json) throws IOException {
    return fromJson(MAPPER.readTree(json));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TabularEncoder)) {
      return false;
    }
    TabularEncoder e = (TabularEncoder) o;
    return numericColumns.equals(e.numericColumns)
        && categories.equals(e.categories)
        && missing.equals(e.missing);
  }

  @Override
  public int hashCode() {
    return Objects.hash(numericColumns, categories, missing);
  }

  @Override
  public String toString() {
    return "TabularEncoder" + featureNames;
  }
}
