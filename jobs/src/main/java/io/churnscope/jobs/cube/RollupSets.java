package io.churnscope.jobs.cube;

import io.churnscope.common.config.ChurnscopeConfig;
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
  /** The configured sets ({@link CubeSettings}). */
  public static RollupSets from(ChurnscopeConfig config) {
    return CubeSettings.from(config).rollupSets();
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
