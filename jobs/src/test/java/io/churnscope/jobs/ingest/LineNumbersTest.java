package io.churnscope.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code source_line}: the line numbers the quarantine reports, checked against the files themselves —
 * files read whole (several packed into one Spark partition) and a file Spark reads in parts.
 */
class LineNumbersTest extends SparkTestBase {
  @TempDir
  Path dir;

  @Test
  void filesReadWholeNumberTheirLinesFromOneBlankAndHeaderLinesIncluded() throws Exception {
    List<List<String>> files = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      List<String> lines = new ArrayList<>(List.of("id,name"));
      for (int i = 0; i < 40 + f * 7; i++) {
        lines.add(i % 9 == 4 ? "" : "f" + f + "-" + i + ",x");
      }
      files.add(lines);
      Files.writeString(dir.resolve("f" + f + ".csv"), String.join(f == 1 ? "\r\n" : "\n", lines), StandardCharsets.UTF_8);
    }
    // No open cost per file and one partition's worth of bytes: Spark packs the three files into one
    // partition, one after the other.
    Map<String, Map<Long, String>> read;
    try (ConfRestore packed = withConf(Map.of("spark.sql.files.openCostInBytes", "0", "spark.sql.files.minPartitionNum", "1"))) {
      assertEquals(1, spark().read().text(dir.toString()).rdd().getNumPartitions(), "one partition for the three files");
      read = numbered(dir.toString(), "id,name");
    }
    for (int f = 0; f < 3; f++) {
      List<String> lines = files.get(f);
      Map<Long, String> got = read.get("f" + f + ".csv");
      Map<Long, String> expected = new TreeMap<>();
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).isEmpty() && !lines.get(i).equals("id,name")) {
          expected.put(i + 1L, lines.get(i));
        }
      }
      assertEquals(expected, got, "f" + f + ".csv by line number");
    }
  }

  @Test
  void aFileReadInPartsNumbersEachPartsLinesInFileOrder() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      lines.add("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 37) + "\"}");
    }
    Path file = dir.resolve("big.json");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    List<Row> rows;
    try (ConfRestore small = withConf(Map.of("spark.sql.files.maxPartitionBytes", "16k"))) {
      rows = RawDeliveries.lines(spark().read().text(file.toString()), functions.current_date(), null)
          .select(RawDeliveries.SPLIT_BYTE, RawDeliveries.LINE, "record").collectAsList();
    }
    assertEquals(lines.size(), rows.size(), "every line once");
    Map<Long, List<Row>> byPart = new TreeMap<>();
    rows.forEach(r -> byPart.computeIfAbsent(r.getLong(0), p -> new ArrayList<>()).add(r));
    assertTrue(byPart.size() > 3, byPart.size() + " parts");
    // Where each line starts in the file: a part that starts at byte S > 0 begins with the first line
    // that starts after S (Hadoop's reader drops the line it lands in, even a whole one starting at S).
    long[] starts = new long[lines.size()];
    for (int i = 1; i < lines.size(); i++) {
      starts[i] = starts[i - 1] + lines.get(i - 1).length() + 1;
    }
    int fileLine = 0;
    for (Map.Entry<Long, List<Row>> part : byPart.entrySet()) {
      if (part.getKey() > 0) {
        int first = 0;
        while (starts[first] <= part.getKey()) {
          first++;
        }
        assertEquals(first, fileLine, "the part at byte " + part.getKey() + " starts at the first line after that byte");
      }
      List<Row> partRows = part.getValue().stream().sorted((a, b) -> Long.compare(a.getLong(1), b.getLong(1))).toList();
      for (int i = 0; i < partRows.size(); i++) {
        assertEquals(i + 1L, partRows.get(i).getLong(1), "part at byte " + part.getKey() + " counts from 1 without gaps");
        assertEquals(lines.get(fileLine++), partRows.get(i).getString(2), "the part's line " + (i + 1) + " is the file's next line");
      }
    }
    assertEquals(0L, byPart.keySet().iterator().next(), "the first part starts the file");
  }

  /** File name → line number → record. */
  private static Map<String, Map<Long, String>> numbered(String folder, String header) {
    Map<String, Map<Long, String>> out = new TreeMap<>();
    for (Row r : RawDeliveries.lines(spark().read().text(folder), functions.current_date(), header)
        .select("source_file", RawDeliveries.LINE, RawDeliveries.SPLIT_BYTE, "record").collectAsList()) {
      assertEquals(0L, r.getLong(2), "read whole");
      String name = r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1);
      out.computeIfAbsent(name, n -> new TreeMap<>()).put(r.getLong(1), r.getString(3));
    }
    return out;
  }
}
