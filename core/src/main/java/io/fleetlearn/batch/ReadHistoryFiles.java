package io.fleetlearn.batch;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Reads the history files matching a pattern on any Beam filesystem (compressed files are
 * recognised by extension) into rows ({@link #ROWS}) projected to the schema's columns, and rows
 * that could not be parsed ({@link #REJECTED}). Each file is parsed whole by one worker, which is
 * what lets a quoted CSV field span lines.
 */
public final class ReadHistoryFiles extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<TabularRecord> ROWS = new TupleTag<TabularRecord>("rows") {};
  public static final TupleTag<RejectedRow> REJECTED =
      new TupleTag<RejectedRow>("rejectedOnRead") {};

  private final String filepattern;
  private final TabularFormat format;
  private final TabularSchema schema;

  public ReadHistoryFiles(String filepattern, TabularFormat format, TabularSchema schema) {
    this.filepattern = filepattern;
    this.format = format;
    this.schema = schema;
  }

  /**
   * Fails fast, before a job starts, when the pattern matches nothing or the first matched CSV's
   * header lacks a column the schema needs. Returns the number of matched files.
   */
  public static int checkInput(String filepattern, TabularFormat format, TabularSchema schema)
      throws IOException {
    MatchResult match = FileSystems.match(filepattern, EmptyMatchTreatment.DISALLOW);
    if (match.status() != MatchResult.Status.OK) {
      throw new IllegalArgumentException("no history file matches " + filepattern);
    }
    List<MatchResult.Metadata> files = match.metadata();
    if (format.kind() == TabularFormat.Kind.CSV) {
      MatchResult.Metadata first = files.get(0);
      List<String> header = format.columnNames();
      if (format.hasHeader()) {
        String name = first.resourceId().getFilename();
        try (Reader r =
            new InputStreamReader(
                Channels.newInputStream(
                    Compression.detect(name == null ? "" : name)
                        .readDecompressed(FileSystems.open(first.resourceId()))),
                StandardCharsets.UTF_8)) {
          CsvRowParser.Record h = new CsvRowParser(r, format.delimiter(), format.quote()).next();
          if (h == null) {
            return files.size();
          }
          header = ParseHistoryFileFn.trimmed(h.fields());
        }
      }
      ParseHistoryFileFn.projection(schema, first.resourceId().toString(), header);
    }
    return files.size();
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple out =
        begin
            .apply("MatchHistoryFiles", FileIO.match().filepattern(filepattern))
            .apply("OpenHistoryFiles", FileIO.readMatches())
            .apply(
                "ParseHistoryRows",
                ParDo.of(new ParseHistoryFileFn(format, schema, ROWS, REJECTED))
                    .withOutputTags(ROWS, TupleTagList.of(REJECTED)));
    out.get(ROWS).setCoder(TabularRecordCoder.of());
    out.get(REJECTED).setCoder(RejectedRowCoder.of());
    return out;
  }
}
