package io.churnscope.common.run;

import io.churnscope.common.lake.TableSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the stages' {@link DataFlow}s say about an ordered list of stages: who writes each table,
 * whether every read has a writer upstream, and what a stage needs to run.
 */
public final class Dag {
  private Dag() {}

  /** Each table the stages write, with the stages that write it (ingestion stages share quarantine), in order. */
  public static Map<TableSpec, List<String>> writers(List<Stage> stages) {
    Map<TableSpec, List<String>> writers = new LinkedHashMap<>();
    for (Stage stage : stages) {
      for (TableSpec table : stage.dataFlow().writes()) {
        writers.computeIfAbsent(table, t -> new ArrayList<>()).add(stage.name());
      }
    }
    return writers;
  }

  /**
   * Every read that no earlier stage writes (a stage reading its own output is fine), as
   * {@code "stage reads zone.table"}; {@code givenTables} are written outside the stages (the run
   * manifest, written by the runner).
   */
  public static List<String> unmetReads(List<Stage> stages, List<TableSpec> givenTables) {
    Set<TableSpec> written = new LinkedHashSet<>(givenTables);
    List<String> unmet = new ArrayList<>();
    for (Stage stage : stages) {
      for (TableSpec table : stage.dataFlow().upstreamReads()) {
        if (!written.contains(table)) {
          unmet.add(stage.name() + " reads " + table.qualifiedName());
        }
      }
      written.addAll(stage.dataFlow().writes());
    }
    return unmet;
  }

  /** The named stages and every stage upstream of them (writers of what they read, recursively), in DAG order. */
  public static List<Stage> withUpstream(List<Stage> dag, List<String> names) {
    Set<String> needed = new LinkedHashSet<>(names);
    Map<TableSpec, List<String>> writers = writers(dag);
    for (int i = dag.size() - 1; i >= 0; i--) {
      Stage stage = dag.get(i);
      if (needed.contains(stage.name())) {
        for (TableSpec table : stage.dataFlow().upstreamReads()) {
          // Only writers earlier in the DAG are upstream.
          for (String writer : writers.getOrDefault(table, List.of())) {
            if (indexOf(dag, writer) < i) {
              needed.add(writer);
            }
          }
        }
      }
    }
    return dag.stream().filter(s -> needed.contains(s.name())).toList();
  }

  private static int indexOf(List<Stage> dag, String name) {
    for (int i = 0; i < dag.size(); i++) {
      if (dag.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
