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
    Dataset<Row> out = lines.withColumn("r", parsed);
    return Check.classify(out, java.util.List.of(new Check("malformed_json", "not a JSON object",
        functions.col("r").isNull().or(functions.col("r." + CORRUPT).isNotNull()))));
  }

  /**
   * CSV lines with exactly the columns of {@code rawSchema}, in order. A line with another
   * number of fields is {@code malformed_csv}.
   */
  public static Dataset<Row> csv(Dataset<Row> lines, StructType rawSchema) {
    Column parsed = functions.from_csv(functions.col("record"), functions.lit(rawSchema.toDDL()), Map.of("mode", "PERMISSIVE", "escape", "\""));
    Dataset<Row> out = lines.withColumn("r", parsed);
    return Check.classify(out, java.util.List.of(new Check("malformed_csv",
        "expected " + rawSchema.size() + " fields", functions.col("r").isNull()
            .or(fieldCountDiffers(rawSchema.size())))));
  }

  /** Counts the fields of a CSV line outside quotes: a wrong count means a shifted record. */
  private static Column fieldCountDiffers(int expected) {
    Column unquoted = functions.regexp_replace(functions.col("record"), "\"([^\"]|\"\")*\"", "");
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
