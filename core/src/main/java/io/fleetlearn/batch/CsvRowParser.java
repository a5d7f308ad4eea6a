package io.fleetlearn.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads CSV records one at a time from a character stream (RFC 4180 with a configurable delimiter
 * and quote character).
 *
 * <ul>
 *   <li>Records end at LF, CRLF or a lone CR; a quoted field may span lines.
 *   <li>A quoted field may contain the delimiter, line breaks and doubled quotes ({@code ""} reads
 *       as one {@code "}); a quote inside an unquoted field is kept literally.
 *   <li>Empty lines are skipped; a leading UTF-8 byte-order mark is ignored. Fields are not
 *       trimmed.
 *   <li>Syntax errors do not stop the reader: text after a closing quote, or a quoted field still
 *       open at the end of the input, yield a record with {@link Record#error()} set, so the caller
 *       can reject that one row and go on.
 * </ul>
 */
public final class CsvRowParser {
  /** Longest raw text kept per record for error reports. */
  static final int MAX_RAW_CHARS = 64 * 1024;

  private static final int EOF = -1;

  private final Reader in;
  private final char delimiter;
  private final char quote;
  private int pushedBack = -2;
  private long line = 1;
  private boolean started;

  public CsvRowParser(Reader in, char delimiter, char quote) {
    if (delimiter == quote || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("the delimiter must differ from the quote and newlines");
    }
    this.in = in instanceof BufferedReader ? in : new BufferedReader(in);
    this.delimiter = delimiter;
    this.quote = quote;
  }

  /** One CSV record: its fields, the line it starts on, its raw text, and any syntax error. */
  public static final class Record {
    private final List<String> fields;
    private final long line;
    private final String raw;
    private final @Nullable String error;

    Record(List<String> fields, long line, String raw, @Nullable String error) {
      this.fields = Collections.unmodifiableList(fields);
      this.line = line;
      this.raw = raw;
      this.error = error;
    }

    public List<String> fields() {
      return fields;
    }

    /** 1-based line number where the record starts. */
    public long line() {
      return line;
    }

    /** The record's text without its line terminator (truncated after 64 KiB). */
    public String raw() {
      return raw;
    }

    /** A description of the syntax error, or null for a well-formed record. */
    public @Nullable String error() {
      return error;
    }
  }

  /** The next record, or null at the end of the input. */
  public @Nullable Record next() throws IOException {
    if (!started) {
      started = true;
      int c = read();
      if (c != '\uFEFF') {
        unread(c);
      }
    }
    int c = read();
    // Empty lines are not records.
    while (c == '\n' || c == '\r') {
      if (c == '\r') {
        skipLf();
      }
      line++;
      c = read();
    }
    if (c == EOF) {
      return null;
    }
    long startLine = line;
    List<String> fields = new ArrayList<>();
    StringBuilder raw = new StringBuilder();
    StringBuilder field = new StringBuilder();
    String error = null;
    boolean quoted = false;
    boolean afterQuoted = false;
    boolean fieldStart = true;
    while (true) {
      if (c == EOF) {
        if (quoted) {
          error = "quoted field opened on line " + startLine + " is not closed";
        }
        fields.add(field.toString());
        break;
      }
      if (quoted) {
        append(raw, c);
        if (c == quote) {
          int d = read();
          if (d == quote) {
            append(raw, d);
            field.append(quote);
          } else {
            quoted = false;
            afterQuoted = true;
            unread(d);
          }
        } else {
          if (c == '\n') {
            line++;
          } else if (c == '\r') {
            int d = read();
            if (d == '\n') {
              append(raw, d);
              field.append('\r');
              c = '\n';
            } else {
              unread(d);
            }
            line++;
          }
          field.append((char) c);
        }
      } else if (c == delimiter) {
        append(raw, c);
        fields.add(field.toString());
        field.setLength(0);
        fieldStart = true;
        afterQuoted = false;
        c = read();
        continue;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r') {
          skipLf();
        }
        line++;
        fields.add(field.toString());
        break;
      } else {
        append(raw, c);
        if (fieldStart && c == quote) {
          quoted = true;
        } else {
          if (afterQuoted && error == null) {
            error =
                "unexpected character '"
                    + (char) c
                    + "' after a closing quote in field "
                    + (fields.size() + 1);
          }
          field.append((char) c);
        }
      }
      fieldStart = false;
      c = read();
    }
    return new Record(fields, startLine, raw.toString(), error);
  }

  private static void append(StringBuilder raw, int c) {
    if (raw.length() < MAX_RAW_CHARS) {
      raw.append((char) c);
    }
  }

  private void skipLf() throws IOException {
    int d = read();
    if (d != '\n') {
      unread(d);
    }
  }

  private int read() throws IOException {
    if (pushedBack != -2) {
      int c = pushedBack;
      pushedBack = -2;
      return c;
    }
    return in.read();
  }

  private void unread(int c) {
    pushedBack = c;
  }
}
