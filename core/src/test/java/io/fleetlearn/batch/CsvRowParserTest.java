package io.fleetlearn.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowParserTest {
  private static List<CsvRowParser.Record> parse(String text, char delimiter, char quote)
      throws IOException {
    return parse(new StringReader(text), delimiter, quote);
  }

  private static List<CsvRowParser.Record> parse(Reader in, char delimiter, char quote)
      throws IOException {
    CsvRowParser p = new CsvRowParser(in, delimiter, quote);
    List<CsvRowParser.Record> out = new ArrayList<>();
    for (CsvRowParser.Record r = p.next(); r != null; r = p.next()) {
      out.add(r);
    }
    return out;
  }

  private static List<CsvRowParser.Record> parse(String text) throws IOException {
    return parse(text, ',', '"');
  }

  @Test
  void quotedFieldKeepsEmbeddedDelimiterAndDoubledQuotes() throws IOException {
    List<CsvRowParser.Record> r = parse("a,\"b,c\",\"say \"\"hi\"\"\",\"\"\n");
    assertEquals(1, r.size());
    assertEquals(List.of("a", "b,c", "say \"hi\"", ""), r.get(0).fields());
    assertNull(r.get(0).error());
    assertEquals("a,\"b,c\",\"say \"\"hi\"\"\",\"\"", r.get(0).raw());
  }

  @Test
  void crlfLfAndLoneCrAllEndRecordsWithoutLeavingCarriageReturns() throws IOException {
    List<CsvRowParser.Record> r = parse("a,b\r\nc,d\ne,f\rg,h");
    assertEquals(4, r.size());
    assertEquals(List.of("a", "b"), r.get(0).fields());
    assertEquals(List.of("c", "d"), r.get(1).fields());
    assertEquals(List.of("e", "f"), r.get(2).fields());
    assertEquals(List.of("g", "h"), r.get(3).fields());
    assertEquals(List.of(1L, 2L, 3L, 4L), r.stream().map(CsvRowParser.Record::line).toList());
  }

  @Test
  void quotedFieldMaySpanLinesAndLineNumbersFollowThePhysicalLines() throws IOException {
    List<CsvRowParser.Record> r = parse("id,note\r\n1,\"first\r\nsecond\"\r\n2,x\r\n");
    assertEquals(3, r.size());
    assertEquals(List.of("1", "first\r\nsecond"), r.get(1).fields());
    assertEquals(2, r.get(1).line());
    assertEquals(4, r.get(2).line());
    assertEquals(List.of("2", "x"), r.get(2).fields());
  }

  @Test
  void emptyLinesAndAByteOrderMarkAreSkipped() throws IOException {
    List<CsvRowParser.Record> r = parse("\uFEFFa,b\r\n\r\n\n1,2\n\n");
    assertEquals(2, r.size());
    assertEquals(List.of("a", "b"), r.get(0).fields());
    assertEquals(List.of("1", "2"), r.get(1).fields());
    assertEquals(4, r.get(1).line());
  }

  @Test
  void emptyFieldsIncludingATrailingOneAreKept() throws IOException {
    assertEquals(List.of("a", "", "c", ""), parse("a,,c,\n").get(0).fields());
  }

  @Test
  void aQuoteInsideAnUnquotedFieldIsLiteral() throws IOException {
    assertEquals(List.of("5\"10", "x"), parse("5\"10,x\n").get(0).fields());
  }

  @Test
  void otherDelimiterAndQuoteCharactersWork() throws IOException {
    List<CsvRowParser.Record> r = parse("a;'b;c';'it''s'\ttab\n", ';', '\'');
    assertEquals(List.of("a", "b;c", "it's\ttab"), r.get(0).fields());
    assertEquals(List.of("x", "y z"), parse("x\ty z\n", '\t', '"').get(0).fields());
  }

  @Test
  void textAfterAClosingQuoteMarksOnlyThatRecordMalformed() throws IOException {
    List<CsvRowParser.Record> r = parse("\"ab\"c,d\nx,y\n");
    assertEquals(2, r.size());
    assertNotNull(r.get(0).error());
    assertTrue(r.get(0).error().contains("after a closing quote"), r.get(0).error());
    assertNull(r.get(1).error());
    assertEquals(List.of("x", "y"), r.get(1).fields());
  }

  @Test
  void aQuoteLeftOpenAtTheEndOfInputIsReported() throws IOException {
    List<CsvRowParser.Record> r = parse("a,b\n1,\"open\n2,3\n");
    assertEquals(2, r.size());
    assertTrue(r.get(1).error().contains("not closed"), r.get(1).error());
    assertEquals(2, r.get(1).line());
  }

  @Test
  void delimiterEqualToTheQuoteIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new CsvRowParser(new StringReader(""), '"', '"'));
  }

  @Test
  void readsEveryAi4iRecordWithFourteenFields() throws IOException {
    try (Reader in =
        new InputStreamReader(
            getClass().getResourceAsStream("/ai4i2020/ai4i2020.csv"), StandardCharsets.UTF_8)) {
      List<CsvRowParser.Record> r = parse(in, ',', '"');
      assertEquals(10_001, r.size());
      assertEquals("Machine failure", r.get(0).fields().get(8));
      for (CsvRowParser.Record rec : r) {
        assertEquals(14, rec.fields().size(), "line " + rec.line());
        assertNull(rec.error());
        assertTrue(!rec.raw().contains("\r"), "no CR left in line " + rec.line());
      }
      assertEquals("M14860", r.get(1).fields().get(1));
    }
  }
}
