package io.churnscope.jobs.cube;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.schema.CubeTables;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The grouping sets of {@code cube.cube_rollup}: the grand total, every dimension alone, every pair,
 * and the triples named in {@code cube.rollup-triples}. Every pair but only chosen triples: pairs
 * grow as n²/2 (78 for 13 dimensions), triples as n³/6 (286), most of which nobody reads.
 *
 * @param dimensions {@code cube.rollup-dimensions}, in order (the order of grouping_id's bits)
 */
public record RollupSets(List<String> dimensions, List<List<String>> triples) {
  public static RollupSets from(ChurnscopeConfig config) {
    List<String> dimensions = config.strings("cube.rollup-dimensions");
    for (String dimension : dimensions) {
      if (!CubeTables.ROLLUP_DIMENSIONS.contains(dimension)) {
        throw new UserError("cube.rollup-dimensions: unknown dimension '" + dimension + "' (" + config.origin("cube.rollup-dimensions")
            + "); the dimensions are " + CubeTables.ROLLUP_DIMENSIONS);
      }
    }
    if (new LinkedHashSet<>(dimensions).size() != dimensions.size() || dimensions.isEmpty()) {
      throw new UserError("cube.rollup-dimensions: list each dimension once, at least one (" + config.origin("cube.rollup-dimensions") + ")");
    }
    List<List<String>> triples = new ArrayList<>();
    for (String triple : config.strings("cube.rollup-triples")) {
      List<String> names = List.of(triple.trim().split("\\s*,\\s*"));
      if (names.size() != 3 || new LinkedHashSet<>(names).size() != 3 || !dimensions.containsAll(names)) {
        throw new UserError("cube.rollup-triples: '" + triple + "' is not three distinct dimensions of cube.rollup-dimensions ("
            + config.origin("cube.rollup-triples") + ")");
      }
      triples.add(names);
    }
    return new RollupSets(List.copyOf(dimensions), List.copyOf(triples));
  }

  /** Every grouping set, without duplicates, smallest first. */
  public List<List<String>> sets() {
    Set<List<String>> sets = new LinkedHashSet<>();
    sets.add(List.of());
    for (String dimension : dimensions) {
      sets.add(List.of(dimension));
    }
    for (int i = 0; i < dimensions.size(); i++) {
      for (int j = i + 1; j < dimensions.size(); j++) {
        sets.add(List.of(dimensions.get(i), dimensions.get(j)));
      }
    }
    for (List<String> triple : triples) {
      // In dimension order, so a triple listed twice in another order is one set.
      sets.add(dimensions.stream().filter(triple::contains).toList());
    }
    return new ArrayList<>(sets);
  }
}
