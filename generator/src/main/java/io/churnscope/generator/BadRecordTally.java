package io.churnscope.generator;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** Counts of planted bad records, source → kind → count, and of late events per source. */
final class BadRecordTally implements Serializable {
  private final TreeMap<String, TreeMap<String, Long>> bad = new TreeMap<>();
  private final TreeMap<String, Long> late = new TreeMap<>();

  void addBad(String source, String kind, long count) {
    bad.computeIfAbsent(source, s -> new TreeMap<>()).merge(kind, count, Long::sum);
  }

  void addLate(String source, long count) {
    late.merge(source, count, Long::sum);
  }

  /** Makes sure every source appears, with zero counts, even if nothing bad was planted in it. */
  void declareSource(String source) {
    bad.computeIfAbsent(source, s -> new TreeMap<>());
  }

  Map<String, TreeMap<String, Long>> bad() {
    return bad;
  }

  Map<String, Long> late() {
    return late;
  }

  long badCount(String source) {
    return bad.getOrDefault(source, new TreeMap<>()).values().stream().mapToLong(Long::longValue).sum();
  }
}
