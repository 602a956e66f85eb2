package io.churnscope.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the main code (every module) is a DAG, {@code common} never depends on the
 * jobs, and the product ({@code common} and {@code jobs}, the jar users submit) never depends on the
 * generator or the tools: read from the sources, imports and fully qualified names alike.
 */
class ArchitectureTest {
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.churnscope(?:\\.[a-z]\\w*)+)\\.[A-Z]");

  /** Package → the project packages its main code refers to. */
  static Map<String, Set<String>> packageGraph() {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (Path file : SourceTree.mainSources()) {
      String source = SourceTree.read(file);
      Matcher pkg = PACKAGE.matcher(source);
      assertTrue(pkg.find(), file + " has no package");
      Set<String> uses = graph.computeIfAbsent(pkg.group(1), p -> new TreeSet<>());
      Matcher reference = REFERENCE.matcher(source);
      while (reference.find()) {
        if (!reference.group(1).equals(pkg.group(1))) {
          uses.add(reference.group(1));
        }
      }
    }
    return graph;
  }

  @Test
  void noPackageCycleInMainCode() {
    Map<String, Set<String>> graph = packageGraph();
    List<String> cycles = new ArrayList<>();
    Map<String, Integer> state = new LinkedHashMap<>();
    for (String pkg : graph.keySet()) {
      findCycles(pkg, graph, state, new ArrayList<>(), cycles);
    }
    assertEquals(List.of(), cycles, "package cycles in main code");
  }

  @Test
  void commonNeverDependsOnTheJobs() {
    List<String> offending = new ArrayList<>();
    packageGraph().forEach((pkg, uses) -> {
      if (pkg.startsWith("io.churnscope.common")) {
        uses.stream().filter(u -> !u.startsWith("io.churnscope.common")).forEach(u -> offending.add(pkg + " -> " + u));
      }
    });
    assertEquals(List.of(), offending);
  }

  /** The jar users submit holds the product only: its modules' main code names neither module outside it. */
  @Test
  void theProductNeverReferencesTheGeneratorOrTheTools() {
    Pattern outside = Pattern.compile("\\bio\\.churnscope\\.(?:generator|tools)\\b[\\w.*]*");
    List<String> offending = new ArrayList<>();
    for (Path file : SourceTree.mainSources()) {
      String module = SourceTree.ROOT.relativize(file).getName(0).toString();
      if (module.equals("common") || module.equals("jobs")) {
        Matcher reference = outside.matcher(SourceTree.read(file));
        while (reference.find()) {
          offending.add(SourceTree.ROOT.relativize(file) + " -> " + reference.group());
        }
      }
    }
    assertEquals(List.of(), offending);
  }

  @Test
  void theCycleCheckFindsACycle() {
    Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"));
    List<String> cycles = new ArrayList<>();
    findCycles("a", graph, new LinkedHashMap<>(), new ArrayList<>(), cycles);
    assertEquals(List.of("a -> b -> c -> a"), cycles);
  }

  /** Depth-first search; state 1 = on the current path, 2 = done. Records each back edge's cycle. */
  private static void findCycles(String pkg, Map<String, Set<String>> graph, Map<String, Integer> state,
      List<String> path, List<String> cycles) {
    Integer seen = state.get(pkg);
    if (seen != null) {
      if (seen == 1) {
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(pkg), path.size()));
        cycle.add(pkg);
        cycles.add(String.join(" -> ", cycle));
      }
      return;
    }
    state.put(pkg, 1);
    path.add(pkg);
    for (String next : new TreeSet<>(graph.getOrDefault(pkg, Set.of()))) {
      findCycles(next, graph, state, path, cycles);
    }
    path.remove(path.size() - 1);
    state.put(pkg, 2);
  }

}
