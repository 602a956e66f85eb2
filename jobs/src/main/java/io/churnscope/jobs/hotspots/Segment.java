package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/**
 * A combination of dimension values, e.g. {channel=reseller, country=US}; the empty segment is the
 * whole population. Dimensions are kept in name order, so the same combination always has the same
 * {@link #key()} whatever the order of {@code --dimensions}.
 */
public record Segment(SortedMap<String, String> values) {
  public static final Segment ALL = new Segment(new TreeMap<>());

  public Segment {
    values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }

  public static Segment of(Map<String, String> values) {
    return new Segment(new TreeMap<>(values));
  }

  public static Segment of(List<String> dimensions, List<String> values) {
    TreeMap<String, String> map = new TreeMap<>();
    for (int i = 0; i < dimensions.size(); i++) {
      map.put(dimensions.get(i), values.get(i));
    }
    return new Segment(map);
  }

  /**
   * Entries in name order, each dimension and value mixed in turn. The map's own hash (a sum of
   * key-xor-value hashes) makes {@code d06=v1 & d07=v2} collide with thousands of others when names and
   * values are alike: a lattice level of 3,000,000 candidates in a hash set then took minutes.
   */
  @Override
  public int hashCode() {
    int h = 1;
    for (Map.Entry<String, String> e : values.entrySet()) {
      h = 31 * (31 * h + e.getKey().hashCode()) + java.util.Objects.hashCode(e.getValue());
    }
    return h;
  }

  public int order() {
    return values.size();
  }

  /** The stable key, {@code channel=reseller & country=US}; the whole population is {@code *}. */
  public String key() {
    return values.isEmpty() ? "*" : join(" & ");
  }

  /** For sentences: {@code channel=reseller × country=US}. */
  public String label() {
    return values.isEmpty() ? "the whole population" : join(" × ");
  }

  private String join(String separator) {
    return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(separator));
  }

  /** The segments with one value fewer; the whole population for a single value. */
  public List<Segment> parents() {
    List<Segment> parents = new ArrayList<>();
    for (String dimension : values.keySet()) {
      TreeMap<String, String> fewer = new TreeMap<>(values);
      fewer.remove(dimension);
      parents.add(new Segment(fewer));
    }
    return parents;
  }

  /** This segment with one more value. */
  public Segment with(String dimension, String value) {
    TreeMap<String, String> more = new TreeMap<>(values);
    more.put(dimension, value);
    return new Segment(more);
  }

  /** True when every account of {@code other} is in this segment (this is {@code other} or an ancestor of it). */
  public boolean contains(Segment other) {
    return other.values.entrySet().containsAll(values.entrySet());
  }

  /** The rows of a prepared population (dimension columns as strings) in this segment. */
  public Column filter() {
    Column condition = lit(true);
    for (Map.Entry<String, String> e : values.entrySet()) {
      condition = condition.and(Population.column(e.getKey()).equalTo(lit(e.getValue())));
    }
    return condition;
  }
}
