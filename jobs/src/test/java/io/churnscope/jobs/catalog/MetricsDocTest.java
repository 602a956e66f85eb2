package io.churnscope.jobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.jobs.SourceTree;
import java.lang.reflect.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md stays one hop from a metric's name to its code and to where it is published: every
 * fully qualified class it names ({@code io.churnscope.jobs.subscriptions.MrrMovements}, optionally
 * {@code #member}) loads and declares that member, every link to a Java source points at a file, and
 * every {@code zone.table} or {@code zone.table.column} it names is a published table
 * ({@link PublishedTables}) and one of its columns. A dotted name in a zone that is a configuration
 * key of {@code conf/defaults.conf} ({@code hotspots.fdr}) is a key, not a table.
 */
class MetricsDocTest {
  private static final Path METRICS = SourceTree.ROOT.resolve("docs/metrics.md");
  private static final Pattern SPAN = Pattern.compile("`([^`\\n]+)`");
  private static final Pattern CLASS = Pattern.compile("(io\\.churnscope(?:\\.[a-z][a-z0-9_]*)+)\\.([A-Z]\\w*(?:\\.[A-Z]\\w*)*)(?:#(\\w+))?");
  private static final Pattern SOURCE_LINK = Pattern.compile("\\]\\(([^)\\s]+\\.java)\\)");

  private final String text = SourceTree.read(METRICS);

  @Test
  void everyClassNamedExists() {
    List<String> spans = spans().stream().filter(s -> CLASS.matcher(s).matches()).distinct().toList();
    assertTrue(spans.size() >= 40, "docs/metrics.md names only " + spans.size() + " classes: is the pattern broken?");
    List<String> missing = spans.stream().map(MetricsDocTest::problem).filter(p -> !p.isEmpty()).toList();
    assertEquals(List.of(), missing, "docs/metrics.md names classes or members that do not exist");
  }

  @Test
  void everyLinkedSourceExists() {
    Matcher link = SOURCE_LINK.matcher(text);
    List<String> linked = new ArrayList<>();
    while (link.find()) {
      linked.add(link.group(1));
    }
    assertTrue(!linked.isEmpty(), "docs/metrics.md links no Java source");
    List<String> missing = linked.stream()
        .filter(l -> !Files.isRegularFile(METRICS.getParent().resolve(l).normalize())).toList();
    assertEquals(List.of(), missing, "docs/metrics.md links Java sources that do not exist");
  }

  @Test
  void everyTableAndColumnNamedIsPublished() {
    Map<String, Set<String>> columns = new HashMap<>();
    for (TableSpec table : PublishedTables.all()) {
      columns.put(table.qualifiedName(), Arrays.stream(table.schema().fieldNames()).collect(Collectors.toSet()));
    }
    Set<String> zones = PublishedTables.all().stream().map(TableSpec::zone).collect(Collectors.toSet());
    Pattern tableName = Pattern.compile("(" + zones.stream().map(Pattern::quote).collect(Collectors.joining("|"))
        + ")\\.([a-z0-9_]+)(?:\\.([a-z0-9_]+))?");
    Config keys = ConfigurationReference.defaults();
    List<String> unknown = new ArrayList<>();
    int checked = 0;
    for (String span : spans()) {
      Matcher m = tableName.matcher(span);
      if (!m.matches() || keys.hasPath(span)) {
        continue;
      }
      checked++;
      Set<String> table = columns.get(m.group(1) + "." + m.group(2));
      if (table == null) {
        unknown.add(span + ": no published table " + m.group(1) + "." + m.group(2));
      } else if (m.group(3) != null && !table.contains(m.group(3))) {
        unknown.add(span + ": no column " + m.group(3) + " in " + m.group(1) + "." + m.group(2));
      }
    }
    assertTrue(checked >= 100, "docs/metrics.md names only " + checked + " published columns: is the pattern broken?");
    assertEquals(List.of(), unknown, "docs/metrics.md names tables or columns that are not published");
  }

  private List<String> spans() {
    Matcher span = SPAN.matcher(text);
    List<String> spans = new ArrayList<>();
    while (span.find()) {
      spans.add(span.group(1).strip());
    }
    return spans;
  }

  /** Empty when the class (nested types as {@code Outer.Inner}) loads and declares the member, else what is missing. */
  private static String problem(String span) {
    Matcher m = CLASS.matcher(span);
    if (!m.matches()) {
      throw new IllegalArgumentException(span);
    }
    String binaryName = m.group(1) + "." + m.group(2).replace('.', '$');
    Class<?> type;
    try {
      type = Class.forName(binaryName, false, MetricsDocTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return span + ": no class " + binaryName;
    }
    String member = m.group(3);
    if (member == null) {
      return "";
    }
    boolean declared = Stream.<Member[]>of(type.getDeclaredMethods(), type.getDeclaredFields())
        .flatMap(Arrays::stream).anyMatch(x -> x.getName().equals(member));
    return declared ? "" : span + ": no method or field " + member + " in " + type.getName();
  }
}
