package io.churnscope.jobs.ingest;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parses raw lines into a struct column {@code r} whose leaves are strings, so a wrong-typed value
 * is kept as text (and reported as such) rather than silently nulled. A line that does not parse
 * at all is marked {@code malformed_json} / {@code malformed_csv}.
 */
public final class RecordParser {
  static final String CORRUPT = "_corrupt_record";

  private RecordParser() {}

  public static Dataset<Row> json(Dataset<Row> lines, StructType rawSchema) {
    StructType withCorrupt = rawSchema.add(CORRUPT, DataTypes.StringType);
    Column parsed = functions.from_json(functions.col("record"), withCorrupt,
        Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));
    Dataset<Row> out = text(lines).withColumn("r", parsed);
    return Check.classify(out, java.util.List.of(NUL, new Check("malformed_json", "not a JSON object",
        functions.col("r").isNull().or(functions.col("r." + CORRUPT).isNotNull()))));
  }

  /**
   * Lines as text the parsers can read: a line that is not UTF-8 is {@code invalid_encoding}, and
   * carried on with its bad bytes replaced by U+FFFD (the quarantine and its readers need valid text).
   */
  static Dataset<Row> text(Dataset<Row> lines) {
    return Check.classify(lines, java.util.List.of(NOT_UTF8))
        .withColumn("record", functions.make_valid_utf8(functions.col("record")));
  }

  /**
   * Bytes that are not UTF-8 (a Latin-1 or Windows-1252 line), or U+FFFD (what an exporter writes
   * for a character it could not convert): the value is lost, so the record is rejected rather than
   * staged with wrong characters.
   */
  static final Check NOT_UTF8 = new Check("invalid_encoding", "bytes that are not UTF-8",
      functions.is_valid_utf8(functions.col("record")).unary_$bang().or(functions.col("record").contains("\uFFFD")));
  /** A NUL byte inside a record: no feed's value holds one; a corrupt export or a binary file does. */
  static final Check NUL = new Check("invalid_encoding", "a NUL byte",
      functions.col("record").contains("\u0000"));

  /**
   * CSV lines with exactly the columns of {@code rawSchema}, in order. A line with another
   * number of fields is {@code malformed_csv}.
   */
  public static Dataset<Row> csv(Dataset<Row> lines, StructType rawSchema) {
    // Only a line with the right number of fields is parsed: on a line of more fields than its
    // maxColumns (20,480; records whose line ends were lost) the parser failed the whole query with
    // MALFORMED_CSV_RECORD, even in PERMISSIVE mode, printing the line.
    Column parsed = functions.when(fieldCountDiffers(rawSchema.size()).unary_$bang(), functions.from_csv(
        functions.col("record"), functions.lit(rawSchema.toDDL()), Map.of("mode", "PERMISSIVE", "escape", "\"")));
    Dataset<Row> out = text(lines).withColumn("r", parsed);
    return Check.classify(out, java.util.List.of(NUL,
        new Check("malformed_csv", "expected " + rawSchema.size() + " fields", functions.col("r").isNull()),
        new Check("malformed_csv", "unbalanced quotes (a quoted value broken by a line break?)",
            functions.length(functions.regexp_replace(functions.col("record"), "[^\"]", "")).mod(2).equalTo(1))));
  }

  /**
   * Counts the fields of a CSV line outside quotes: a wrong count means a shifted record. The
   * quoted-value pattern uses possessive runs of plain characters: {@code "([^"]|"")*"} recurses
   * once per character and overflowed the stack on a quoted value of a few thousand characters.
   */
  private static Column fieldCountDiffers(int expected) {
    Column unquoted = functions.regexp_replace(functions.col("record"), "\"[^\"]*+(?:\"\"[^\"]*+)*+\"", "");
    Column commas = functions.length(unquoted).minus(functions.length(functions.regexp_replace(unquoted, ",", "")));
    return commas.notEqual(expected - 1);
  }

  /** An all-string schema from column names, for CSV. */
  public static StructType strings(String... names) {
    StructType schema = new StructType();
    for (String name : names) {
      schema = schema.add(new StructField(name, DataTypes.StringType, true, org.apache.spark.sql.types.Metadata.empty()));
    }
    return schema;
  }
}
