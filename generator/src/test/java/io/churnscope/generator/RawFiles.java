package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Reads a raw source straight from its files (no Spark), delivery by delivery. */
final class RawFiles {
  /** One data file of a delivery: its dt and its lines (CSV header included). */
  record DataFile(String dt, Path path, List<String> lines) {}

  private RawFiles() {}

  static Path folder(Path lake, RawFeed source) {
    return lake.resolve("raw").resolve(source.folder());
  }

  static List<DataFile> files(Path lake, RawFeed source) throws IOException {
    List<DataFile> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(folder(lake, source))) {
      for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
        String name = path.getFileName().toString();
        if (name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        String dt = path.getParent().getFileName().toString();
        files.add(new DataFile(dt, path, read(path)));
      }
    }
    return files;
  }

  /** The records of a source (CSV headers dropped), each prefixed with its delivery: {@code dt=...\tline}. */
  static List<String> records(Path lake, RawFeed source) throws IOException {
    List<String> records = new ArrayList<>();
    for (DataFile file : files(lake, source)) {
      List<String> lines = source.header().isEmpty() ? file.lines() : file.lines().subList(1, file.lines().size());
      for (String line : lines) {
        records.add(file.dt() + "\t" + line);
      }
    }
    return records;
  }

  /** Records by delivery, each delivery's records sorted: the content, whatever the file names and order. */
  static TreeMap<String, List<String>> contentByDelivery(Path lake, RawFeed source) throws IOException {
    TreeMap<String, List<String>> content = new TreeMap<>();
    for (String record : records(lake, source)) {
      int tab = record.indexOf('\t');
      content.computeIfAbsent(record.substring(0, tab), k -> new ArrayList<>()).add(record.substring(tab + 1));
    }
    content.values().forEach(java.util.Collections::sort);
    return content;
  }

  private static List<String> read(Path path) throws IOException {
    try (InputStream raw = Files.newInputStream(path);
         InputStream in = path.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().toList();
    }
  }
}
