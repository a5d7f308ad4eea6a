package io.fleetlearn.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Parses one history file into {@link TabularRecord}s projected to the schema's columns; rows that
 * cannot be read go to the rejected output with their line and raw text. A file lacking a column
 * the schema needs is a configuration error and fails the job with the file's actual header.
 */
final class ParseHistoryFileFn extends DoFn<FileIO.ReadableFile, TabularRecord> {
  static final String STAGE = "ReadHistoryFiles";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final TabularFormat format;
  private final TabularSchema schema;
  private final TupleTag<TabularRecord> rows;
  private final TupleTag<RejectedRow> rejected;

  ParseHistoryFileFn(
      TabularFormat format,
      TabularSchema schema,
      TupleTag<TabularRecord> rows,
      TupleTag<RejectedRow> rejected) {
    this.format = format;
    this.schema = schema;
    this.rows = rows;
    this.rejected = rejected;
  }

  @ProcessElement
  public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
      throws IOException {
    String source = file.getMetadata().resourceId().toString();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(file.open()), StandardCharsets.UTF_8),
            1 << 16)) {
      if (format.kind() == TabularFormat.Kind.JSONL) {
        readJsonLines(source, reader, out);
      } else {
        readCsv(source, reader, out);
      }
    }
  }

  private void readCsv(String source, BufferedReader reader, MultiOutputReceiver out)
      throws IOException {
    CsvRowParser parser = new CsvRowParser(reader, format.delimiter(), format.quote());
    List<String> header = format.columnNames();
    if (format.hasHeader()) {
      CsvRowParser.Record h = parser.next();
      if (h == null) {
        return;
      }
      if (h.error() != null) {
        throw new IllegalArgumentException("unreadable header of " + source + ": " + h.error());
      }
      header = trimmed(h.fields());
    }
    int[] projection = projection(schema, source, header);
    List<String> columns = schema.inputColumns();
    for (CsvRowParser.Record r = parser.next(); r != null; r = parser.next()) {
      BatchCounters.counter(BatchCounters.ROWS_READ).inc();
      if (r.error() != null) {
        reject(out, source, r.line(), RowRejectReason.MALFORMED_RECORD, r.error(), r.raw());
        continue;
      }
      if (r.fields().size() != header.size()) {
        reject(
            out,
            source,
            r.line(),
            RowRejectReason.WRONG_FIELD_COUNT,
            "expected " + header.size() + " fields, found " + r.fields().size(),
            r.raw());
        continue;
      }
      String[] values = new String[columns.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.fields().get(projection[i]);
      }
      out.get(rows).output(new TabularRecord(source, r.line(), r.raw(), values));
    }
  }

  /** Where each of the schema's columns is in {@code header}; fails naming the absent ones. */
  static int[] projection(TabularSchema schema, String source, List<String> header) {
    List<String> columns = schema.inputColumns();
    int[] p = new int[columns.size()];
    List<String> absent = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      String c = columns.get(i);
      p[i] = header.indexOf(c);
      if (p[i] < 0) {
        absent.add(c);
      } else if (header.lastIndexOf(c) != p[i]) {
        throw new IllegalArgumentException(source + " has column " + c + " more than once");
      }
    }
    if (!absent.isEmpty()) {
      throw new IllegalArgumentException(
          source + " lacks column(s) " + absent + "; its columns are " + header);
    }
    return p;
  }

  private void readJsonLines(String source, BufferedReader reader, MultiOutputReceiver out)
      throws IOException {
    List<String> columns = schema.inputColumns();
    long lineNo = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNo++;
      if (lineNo == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      BatchCounters.counter(BatchCounters.ROWS_READ).inc();
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        reject(
            out,
            source,
            lineNo,
            RowRejectReason.MALFORMED_JSON,
            e.getOriginalMessage(),
            truncate(line));
        continue;
      }
      if (n == null || !n.isObject()) {
        reject(
            out,
            source,
            lineNo,
            RowRejectReason.MALFORMED_JSON,
            "a line must hold one JSON object",
            truncate(line));
        continue;
      }
      String[] values = new String[columns.size()];
      for (int i = 0; i < values.length; i++) {
        JsonNode v = n.get(columns.get(i));
        values[i] = v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
      }
      out.get(rows).output(new TabularRecord(source, lineNo, truncate(line), values));
    }
  }

  static List<String> trimmed(List<String> fields) {
    List<String> out = new ArrayList<>(fields.size());
    for (String f : fields) {
      out.add(f.trim());
    }
    return out;
  }

  private static String truncate(String s) {
    return s.length() <= CsvRowParser.MAX_RAW_CHARS
        ? s
        : s.substring(0, CsvRowParser.MAX_RAW_CHARS);
  }

  private void reject(
      MultiOutputReceiver out,
      String source,
      long line,
      RowRejectReason reason,
      String detail,
      String raw) {
    BatchCounters.countRejected(reason);
    out.get(rejected).output(new RejectedRow(source, line, STAGE, reason, detail, raw));
  }
}
