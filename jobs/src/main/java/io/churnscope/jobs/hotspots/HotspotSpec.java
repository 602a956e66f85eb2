package io.churnscope.jobs.hotspots;

import io.churnscope.common.UserError;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What to search: the dimension columns, the outcome column (boolean, 0/1 or yes/no), an optional
 * weight column (e.g. MRR at risk: impact is then measured in churned weight) and an optional id
 * column (for the members table).
 */
public record HotspotSpec(List<String> dimensions, String outcome, String weight, String idColumn,
    HotspotSettings settings) {

  public HotspotSpec {
    if (dimensions == null || dimensions.isEmpty()) {
      throw new UserError("no dimensions: name at least one column, e.g. --dimensions channel,country");
    }
    if (new LinkedHashSet<>(dimensions).size() != dimensions.size()) {
      throw new UserError("a dimension is named twice in " + dimensions);
    }
    if (outcome == null || outcome.isBlank()) {
      throw new UserError("no outcome column: pass --outcome COLUMN");
    }
    dimensions = List.copyOf(dimensions);
  }

  public static HotspotSpec of(List<String> dimensions, String outcome, HotspotSettings settings) {
    return new HotspotSpec(dimensions, outcome, null, null, settings);
  }

  public HotspotSpec withWeight(String column) {
    return new HotspotSpec(dimensions, outcome, column, idColumn, settings);
  }

  public HotspotSpec withSettings(HotspotSettings value) {
    return new HotspotSpec(dimensions, outcome, weight, idColumn, value);
  }

  public HotspotSpec withId(String column) {
    return new HotspotSpec(dimensions, outcome, weight, column, settings);
  }

  public boolean weighted() {
    return weight != null;
  }
}
