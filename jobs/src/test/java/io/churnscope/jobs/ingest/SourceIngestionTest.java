package io.churnscope.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The ingestion transforms on a few hand-built rows each. */
class SourceIngestionTest extends SparkTestBase {
  static final StructType LINES = new StructType()
      .add("record", DataTypes.StringType).add("ingest_date", DataTypes.DateType).add("source_file", DataTypes.StringType)
      .add(RawDeliveries.LINE, DataTypes.LongType).add(RawDeliveries.SPLIT_BYTE, DataTypes.LongType);
  static final Date DAY = Date.valueOf("2026-03-01");

  static Dataset<Row> lines(String... records) {
    return rows(LINES, java.util.Arrays.stream(records).map(r -> new Object[] {r, DAY, "f1", 1L, 0L}).toArray(Object[][]::new));
  }

  static List<Row> reasons(Dataset<Row> classified) {
    return classified.select(col("record"), col(Check.REASON), col(Check.DETAIL)).collectAsList();
  }

  @Test
  void csvLinesAreTypedAndEachBadOneGetsOneReason() {
    List<Field> fields = List.of(Field.required("id", DataTypes.StringType), Field.required("amount", DataTypes.createDecimalType(18, 4)),
        Field.optional("day", DataTypes.DateType));
    Dataset<Row> parsed = RecordParser.csv(lines(
        "a,12.50,2026-03-01",
        "b,\"1,000.00\",2026-03-01",   // quoted comma: still three fields, but not a number
        "c,,2026-03-01",
        "d,5,not-a-date",
        "e,5",
        "\"f, with comma\",7.25,"), RecordParser.strings("id", "amount", "day"));
    Dataset<Row> typed = SourceIngestion.typed(parsed, fields);
    DatasetAssertions.assertSameRows(List.of(
        RowFactory.create("a,12.50,2026-03-01", null, null),
        RowFactory.create("b,\"1,000.00\",2026-03-01", "wrong_type", "amount"),
        RowFactory.create("c,,2026-03-01", "missing_field", "amount"),
        RowFactory.create("d,5,not-a-date", "wrong_type", "day"),
        RowFactory.create("e,5", "malformed_csv", "expected 3 fields"),
        RowFactory.create("\"f, with comma\",7.25,", null, null)), reasons(typed));
    assertEquals(new java.math.BigDecimal("12.5000"),
        typed.where(col("id").equalTo("a")).first().getAs("amount"));
    assertEquals("f, with comma", typed.where(col("amount").equalTo(7.25)).first().getAs("id"));
  }

  @Test
  void jsonLinesKeepWrongTypesAsTextSoTheyAreReported() {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("n", DataTypes.StringType);
    List<Field> fields = List.of(Field.required("id", DataTypes.StringType), Field.required("n", DataTypes.LongType));
    Dataset<Row> typed = SourceIngestion.typed(RecordParser.json(lines(
        "{\"id\":\"a\",\"n\":3}",
        "{\"id\":\"b\",\"n\":\"three\"}",
        "{\"id\":\"c\"}",
        "{\"id\":\"d\",\"n\":4",
        "[1,2]"), schema), fields);
    DatasetAssertions.assertSameRows(List.of(
        RowFactory.create("{\"id\":\"a\",\"n\":3}", null, null),
        RowFactory.create("{\"id\":\"b\",\"n\":\"three\"}", "wrong_type", "n"),
        RowFactory.create("{\"id\":\"c\"}", "missing_field", "n"),
        RowFactory.create("{\"id\":\"d\",\"n\":4", "malformed_json", "not a JSON object"),
        RowFactory.create("[1,2]", "malformed_json", "not a JSON object")), reasons(typed));
  }

  @Test
  void theEarliestCopyOfAKeyWinsAndEarlierDeliveriesCount() {
    StructType schema = new StructType().add("record", DataTypes.StringType).add("ingest_date", DataTypes.DateType)
        .add("source_file", DataTypes.StringType).add(RawDeliveries.SPLIT_BYTE, DataTypes.LongType)
        .add(RawDeliveries.LINE, DataTypes.LongType).add(Check.REASON, DataTypes.StringType)
        .add(Check.DETAIL, DataTypes.StringType).add("id", DataTypes.StringType);
    Dataset<Row> batch = rows(schema,
        new Object[] {"x-late", Date.valueOf("2026-03-02"), "f2", 0L, 1L, null, null, "x"},
        new Object[] {"x-early", DAY, "f1", 0L, 9L, null, null, "x"},
        new Object[] {"y-bad", DAY, "f1", 0L, 2L, "wrong_type", "n", "y"},
        new Object[] {"y-good", DAY, "f1", 0L, 3L, null, null, "y"},
        new Object[] {"z", DAY, "f1", 0L, 4L, null, null, "z"},
        // In one file the earlier line wins, whatever the text.
        new Object[] {"w-b", DAY, "f1", 0L, 5L, null, null, "w"},
        new Object[] {"w-a", DAY, "f1", 0L, 6L, null, null, "w"});
    Dataset<Row> staged = rows(new StructType().add("id", DataTypes.StringType), new Object[] {"z"});
    DatasetAssertions.assertSameRows(List.of(
        RowFactory.create("w-b", null, null),
        RowFactory.create("w-a", "duplicate", "key id repeated in this delivery"),
        // Its first copy came in an earlier delivery of the same batch: what a night of its delivery alone says.
        RowFactory.create("x-late", "duplicate", "key id already delivered"),
        RowFactory.create("x-early", null, null),
        RowFactory.create("y-bad", "wrong_type", "n"),
        RowFactory.create("y-good", null, null),
        RowFactory.create("z", "duplicate", "key id already delivered")),
        reasons(SourceIngestion.markDuplicates(batch, List.of("id"), staged)));
  }

  @Test
  void theFirstFailingCheckNamesTheReason() {
    Dataset<Row> records = rows(new StructType().add("record", DataTypes.StringType).add("amount", DataTypes.IntegerType)
            .add("currency", DataTypes.StringType),
        new Object[] {"r1", -5, "XYZ"}, new Object[] {"r2", 5, "XYZ"}, new Object[] {"r3", 5, "USD"});
    Dataset<Row> classified = Check.classify(records, List.of(
        new Check("negative_amount", "amount", col("amount").lt(0)),
        new Check("unknown_currency", "currency", col("currency").notEqual("USD"))));
    DatasetAssertions.assertSameRows(List.of(
        RowFactory.create("r1", "negative_amount", "amount"),
        RowFactory.create("r2", "unknown_currency", "currency"),
        RowFactory.create("r3", null, null)), reasons(classified));
  }
}
