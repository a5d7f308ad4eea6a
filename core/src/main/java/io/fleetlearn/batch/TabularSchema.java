package io.fleetlearn.batch;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Which columns of a history table mean what: the entity key (one or more columns, joined with a
 * separator), the label with its {@link LabelMapping}, numeric and categorical feature columns, an
 * optional time column and a {@link RowFilter}. It turns one row's raw values into the entity key,
 * label and time, or rejects the row with a {@link RowRejectReason}; features are the {@link
 * TabularEncoder}'s job.
 *
 * <p>Rows travel as the raw values of {@link #inputColumns()} in that order (null where a column is
 * absent). Rules, applied to trimmed values ({@link MissingValues} decides what is missing):
 *
 * <ul>
 *   <li>entity: every key column must be present, else {@code MISSING_ENTITY};
 *   <li>label: missing means unlabelled (the row counts but does not train, as in streaming); a
 *       value the mapping does not know is {@code UNMAPPED_LABEL};
 *   <li>time: epoch milliseconds, an ISO-8601 instant or offset date-time, or a local date-time or
 *       date read as UTC; missing is {@code MISSING_TIME}, anything else {@code INVALID_TIME}.
 * </ul>
 */
public final class TabularSchema implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,18}");

  private final List<String> entityColumns;
  private final String entitySeparator;
  private final String labelColumn;
  private final LabelMapping labels;
  private final List<String> numericColumns;
  private final List<String> categoricalColumns;
  private final @Nullable String timeColumn;
  private final RowFilter filter;
  private final MissingValues missing;
  private final int maxCategories;
  private final List<String> inputColumns;
  private final HashMap<String, Integer> index;

  private TabularSchema(Builder b) {
    this.entityColumns = List.copyOf(b.entityColumns);
    this.entitySeparator = Objects.requireNonNull(b.entitySeparator);
    this.labelColumn = Objects.requireNonNull(b.labelColumn, "label column").trim();
    this.labels = Objects.requireNonNull(b.labels);
    this.numericColumns = List.copyOf(b.numericColumns);
    this.categoricalColumns = List.copyOf(b.categoricalColumns);
    this.timeColumn = b.timeColumn == null || b.timeColumn.isBlank() ? null : b.timeColumn.trim();
    this.filter = Objects.requireNonNull(b.filter);
    this.missing = Objects.requireNonNull(b.missing);
    this.maxCategories = b.maxCategories;
    validate();
    LinkedHashSet<String> cols = new LinkedHashSet<>(entityColumns);
    cols.add(labelColumn);
    if (timeColumn != null) {
      cols.add(timeColumn);
    }
    cols.addAll(numericColumns);
    cols.addAll(categoricalColumns);
    cols.addAll(filter.columns());
    this.inputColumns = List.copyOf(cols);
    this.index = new HashMap<>();
    for (int i = 0; i < inputColumns.size(); i++) {
      index.put(inputColumns.get(i), i);
    }
  }

  private void validate() {
    if (entityColumns.isEmpty()) {
      throw new IllegalArgumentException("at least one entity key column is needed");
    }
    if (labelColumn.isEmpty()) {
      throw new IllegalArgumentException("the label column is needed");
    }
    if (numericColumns.isEmpty() && categoricalColumns.isEmpty()) {
      throw new IllegalArgumentException("at least one numeric or categorical feature is needed");
    }
    if (entityColumns.size() > 1 && entitySeparator.isEmpty()) {
      throw new IllegalArgumentException("a key of several columns needs a separator");
    }
    if (maxCategories < 1) {
      throw new IllegalArgumentException("maxCategories must be >= 1");
    }
    LinkedHashSet<String> features = new LinkedHashSet<>();
    for (String f : concat(numericColumns, categoricalColumns)) {
      if (f.isBlank()) {
        throw new IllegalArgumentException("a feature column name is blank");
      }
      if (!features.add(f)) {
        throw new IllegalArgumentException("feature column " + f + " is listed twice");
      }
    }
    if (features.contains(labelColumn)) {
      throw new IllegalArgumentException(
          "the label column " + labelColumn + " cannot also be a feature");
    }
    if (timeColumn != null && features.contains(timeColumn)) {
      throw new IllegalArgumentException(
          "the time column " + timeColumn + " cannot also be a feature");
    }
    if (entityColumns.contains(labelColumn)) {
      throw new IllegalArgumentException(
          "the label column " + labelColumn + " cannot be an entity key");
    }
    if (new LinkedHashSet<>(entityColumns).size() != entityColumns.size()) {
      throw new IllegalArgumentException("an entity key column is listed twice");
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The columns a row is projected to, in the order of a row's values. */
  public List<String> inputColumns() {
    return inputColumns;
  }

  /** Position of {@code column} among {@link #inputColumns()}, or -1. */
  public int index(String column) {
    Integer i = index.get(column);
    return i == null ? -1 : i;
  }

  /** The raw value of {@code column} in a projected row (null if absent). */
  public @Nullable String value(String[] values, String column) {
    int i = index(column);
    return i < 0 ? null : values[i];
  }

  /** Whether the row passes the {@link RowFilter}. */
  public boolean keeps(String[] values) {
    return filter.matches(c -> value(values, c));
  }

  /** The entity key: the key columns' trimmed values joined by the separator. */
  public String entityOf(String[] values) throws RowRejectedException {
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < entityColumns.size(); i++) {
      String c = entityColumns.get(i);
      String v = value(values, c);
      if (missing.isMissing(v)) {
        throw new RowRejectedException(
            RowRejectReason.MISSING_ENTITY, "entity column " + c + " has no value");
      }
      if (i > 0) {
        key.append(entitySeparator);
      }
      key.append(v.trim());
    }
    return key.toString();
  }

  /** 1 or 0 by the label mapping; -1 (unlabelled) when the label is missing. */
  public byte labelOf(String[] values) throws RowRejectedException {
    String v = value(values, labelColumn);
    if (missing.isMissing(v)) {
      return -1;
    }
    int c = labels.apply(v);
    if (c == LabelMapping.UNMAPPED) {
      throw new RowRejectedException(
          RowRejectReason.UNMAPPED_LABEL,
          "label \"" + v.trim() + "\" of column " + labelColumn + " is not in the label mapping");
    }
    return (byte) c;
  }

  /** The row's time in epoch millis, or 0 without a time column. */
  public long timeOf(String[] values) throws RowRejectedException {
    if (timeColumn == null) {
      return 0;
    }
    String v = value(values, timeColumn);
    if (missing.isMissing(v)) {
      throw new RowRejectedException(
          RowRejectReason.MISSING_TIME, "time column " + timeColumn + " has no value");
    }
    return parseTime(v);
  }

  /**
   * Parses epoch milliseconds, an ISO-8601 instant ({@code 2020-01-31T10:15:30Z}) or offset
   * date-time, or a local date-time ({@code T} or a space between date and time) or date, taken as
   * UTC.
   */
  public static long parseTime(String raw) throws RowRejectedException {
    String s = raw.trim();
    if (EPOCH_MILLIS.matcher(s).matches()) {
      return Long.parseLong(s);
    }
    try {
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      String t =
          s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
      if (t.endsWith("Z") || t.endsWith("z")) {
        return Instant.parse(t.toUpperCase(Locale.ROOT)).toEpochMilli();
      }
      if (t.length() > 19 && (t.lastIndexOf('+') > 10 || t.lastIndexOf('-') > 10)) {
        return OffsetDateTime.parse(t).toInstant().toEpochMilli();
      }
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new RowRejectedException(
          RowRejectReason.INVALID_TIME,
          "time \"" + s + "\" is neither epoch millis nor an ISO-8601 date-time");
    }
  }

  public List<String> entityColumns() {
    return entityColumns;
  }

  public String entitySeparator() {
    return entitySeparator;
  }

  public String labelColumn() {
    return labelColumn;
  }

  public LabelMapping labels() {
    return labels;
  }

  public List<String> numericColumns() {
    return numericColumns;
  }

  public List<String> categoricalColumns() {
    return categoricalColumns;
  }

  public @Nullable String timeColumn() {
    return timeColumn;
  }

  public RowFilter filter() {
    return filter;
  }

  public MissingValues missing() {
    return missing;
  }

  /** Most one-hot columns per categorical column (the most frequent values are kept). */
  public int maxCategories() {
    return maxCategories;
  }

  /** Builder; lists given as comma-separated strings are trimmed and blanks dropped. */
  public static final class Builder {
    private List<String> entityColumns = List.of();
    private String entitySeparator = ":";
    private String labelColumn;
    private LabelMapping labels = LabelMapping.defaults();
    private List<String> numericColumns = List.of();
    private List<String> categoricalColumns = List.of();
    private String timeColumn;
    private RowFilter filter = RowFilter.none();
    private MissingValues missing = MissingValues.defaults();
    private int maxCategories = 100;

    public Builder entityColumns(String csv) {
      entityColumns = split(csv);
      return this;
    }

    public Builder entitySeparator(String v) {
      entitySeparator = v;
      return this;
    }

    public Builder labelColumn(String v) {
      labelColumn = v;
      return this;
    }

    public Builder labels(LabelMapping v) {
      labels = v;
      return this;
    }

    public Builder numericColumns(String csv) {
      numericColumns = split(csv);
      return this;
    }

    public Builder categoricalColumns(String csv) {
      categoricalColumns = split(csv);
      return this;
    }

    public Builder timeColumn(@Nullable String v) {
      timeColumn = v;
      return this;
    }

    public Builder filter(RowFilter v) {
      filter = v;
      return this;
    }

    public Builder missing(MissingValues v) {
      missing = v;
      return this;
    }

    public Builder maxCategories(int v) {
      maxCategories = v;
      return this;
    }

    public TabularSchema build() {
      return new TabularSchema(this);
    }

    static List<String> split(@Nullable String csv) {
      List<String> out = new ArrayList<>();
      if (csv != null) {
        for (String s : csv.split(",")) {
          if (!s.isBlank()) {
            out.add(s.trim());
          }
        }
      }
      return Collections.unmodifiableList(out);
    }
  }

  /** The per-column vocabulary type the encoder is built from. */
  public TabularEncoder encoder(Map<String, List<String>> categories) {
    return TabularEncoder.of(numericColumns, categories, categoricalColumns, missing);
  }
}
