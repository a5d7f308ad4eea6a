package io.fleetlearn.batch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How history files are laid out: CSV (delimiter, quote character, header line or explicit column
 * names) or JSONL (one JSON object per line). Immutable.
 */
public final class TabularFormat implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The two supported layouts. */
  public enum Kind {
    CSV,
    JSONL
  }

  private final Kind kind;
  private final char delimiter;
  private final char quote;
  private final List<String> columnNames;

  private TabularFormat(Kind kind, char delimiter, char quote, List<String> columnNames) {
    if (delimiter == quote) {
      throw new IllegalArgumentException("delimiter and quote must differ");
    }
    this.kind = kind;
    this.delimiter = delimiter;
    this.quote = quote;
    this.columnNames = Collections.unmodifiableList(new ArrayList<>(columnNames));
  }

  /** CSV whose first record is the header. */
  public static TabularFormat csv(char delimiter, char quote) {
    return new TabularFormat(Kind.CSV, delimiter, quote, List.of());
  }

  /** Comma-separated, double-quoted, with a header. */
  public static TabularFormat csv() {
    return csv(',', '"');
  }

  /** CSV without a header line; {@code columnNames} name its fields in order. */
  public static TabularFormat headerlessCsv(char delimiter, char quote, List<String> columnNames) {
    if (columnNames.isEmpty()) {
      throw new IllegalArgumentException("a headerless CSV needs column names");
    }
    return new TabularFormat(Kind.CSV, delimiter, quote, columnNames);
  }

  public static TabularFormat jsonl() {
    return new TabularFormat(Kind.JSONL, ',', '"', List.of());
  }

  /**
   * The format from command-line values.
   *
   * @param format {@code csv}, {@code jsonl} or {@code auto} (JSONL when the input ends in .jsonl,
   *     .ndjson or .json, optionally followed by .gz, .bz2, .zst or .deflate; otherwise CSV)
   * @param delimiter one character, or {@code tab} / {@code \t}
   * @param quote one character
   * @param columnNames comma-separated names of a headerless CSV's fields, or empty for a header
   */
  public static TabularFormat of(
      String format, String input, String delimiter, String quote, String columnNames) {
    String f = format == null ? "auto" : format.trim().toLowerCase(Locale.ROOT);
    Kind kind;
    switch (f) {
      case "csv":
        kind = Kind.CSV;
        break;
      case "jsonl":
      case "ndjson":
        kind = Kind.JSONL;
        break;
      case "auto":
        kind = looksLikeJsonLines(input) ? Kind.JSONL : Kind.CSV;
        break;
      default:
        throw new IllegalArgumentException("--format must be auto, csv or jsonl, got " + format);
    }
    if (kind == Kind.JSONL) {
      return jsonl();
    }
    char d = oneChar("delimiter", delimiter);
    char q = oneChar("quote", quote);
    List<String> names = new ArrayList<>();
    if (columnNames != null) {
      for (String n : columnNames.split(",")) {
        if (!n.isBlank()) {
          names.add(n.trim());
        }
      }
    }
    return names.isEmpty() ? csv(d, q) : headerlessCsv(d, q, names);
  }

  static boolean looksLikeJsonLines(String input) {
    String s = input == null ? "" : input.toLowerCase(Locale.ROOT);
    s = s.replaceAll("\\.(gz|bz2|zst|deflate)$", "");
    return s.endsWith(".jsonl") || s.endsWith(".ndjson") || s.endsWith(".json");
  }

  private static char oneChar(String name, String v) {
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is missing");
    }
    if (v.equals("\\t") || v.equalsIgnoreCase("tab")) {
      return '\t';
    }
    if (v.length() != 1) {
      throw new IllegalArgumentException(
          "--" + name + " must be one character (or tab), got \"" + v + "\"");
    }
    return v.charAt(0);
  }

  public Kind kind() {
    return kind;
  }

  public char delimiter() {
    return delimiter;
  }

  public char quote() {
    return quote;
  }

  /** Names of a headerless CSV's fields; empty when the first record is the header. */
  public List<String> columnNames() {
    return columnNames;
  }

  public boolean hasHeader() {
    return kind == Kind.CSV && columnNames.isEmpty();
  }

  @Override
  public String toString() {
    if (kind == Kind.JSONL) {
      return "JSONL";
    }
    return "CSV(delimiter='"
        + (delimiter == '\t' ? "\\t" : String.valueOf(delimiter))
        + "', quote='"
        + quote
        + "', "
        + (columnNames.isEmpty() ? "header" : "columns " + columnNames)
        + ")";
  }
}
