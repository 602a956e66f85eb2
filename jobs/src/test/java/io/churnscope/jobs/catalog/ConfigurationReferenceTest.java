package io.churnscope.jobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.generator.GeneratorSettings;
import io.churnscope.jobs.SourceTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every configuration key is declared once, typed, in a settings class; only settings classes name
 * keys; and docs/configuration.md is generated from the declarations.
 */
class ConfigurationReferenceTest {
  private static final Path COMMITTED = SourceTree.ROOT.resolve("docs/configuration.md");
  /** The product's settings and the sample-lake generator's. */
  static final List<Class<?>> ALL_SETTINGS = all();
  private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");

  private static List<Class<?>> all() {
    List<Class<?>> all = new ArrayList<>(ConfigurationReference.PRODUCT_SETTINGS);
    all.add(GeneratorSettings.class);
    return List.copyOf(all);
  }

  private static List<String> declaredPaths() {
    return ConfigurationReference.declared(ALL_SETTINGS).stream().map(d -> d.key().path()).toList();
  }

  @Test
  void theCommittedReferenceIsCurrent() throws IOException {
    String rendered = ConfigurationReference.render(ALL_SETTINGS);
    if (Boolean.getBoolean("churnscope.regenerate")) {
      Files.writeString(COMMITTED, rendered);
    }
    assertEquals(rendered, Files.exists(COMMITTED) ? Files.readString(COMMITTED) : "",
        "docs/configuration.md is stale: run mvn -pl jobs test -Dtest=ConfigurationReferenceTest -Dchurnscope.regenerate=true");
  }

  @Test
  void everyKeyOfTheDefaultsIsDeclaredOnceAndEveryDeclaredKeyHasADefault() {
    List<String> declared = declaredPaths();
    assertEquals(declared.size(), new TreeSet<>(declared).size(), "a key declared twice: " + declared);
    List<String> undeclared = new ArrayList<>();
    for (Map.Entry<String, ?> entry : ConfigurationReference.defaults().entrySet()) {
      String key = entry.getKey();
      if (declared.stream().noneMatch(d -> key.equals(d) || key.startsWith(d + "."))) {
        undeclared.add(key);
      }
    }
    assertEquals(List.of(), undeclared, "keys of conf/defaults.conf that no settings class declares");
    List<String> withoutDefault = declared.stream().filter(d -> !ConfigurationReference.defaults().hasPathOrNull(d)).toList();
    assertEquals(List.of(), withoutDefault, "declared keys missing from conf/defaults.conf");
  }

  @Test
  void onlySettingsClassesNameConfigurationKeys() {
    List<String> declared = declaredPaths();
    List<String> offending = new ArrayList<>();
    for (Path file : SourceTree.mainSources()) {
      String name = file.getFileName().toString();
      if (name.endsWith("Settings.java") || name.equals("ChurnscopeConfig.java") || name.equals("ConfigKey.java")) {
        continue;
      }
      String source = SourceTree.read(file);
      Matcher literal = LITERAL.matcher(source);
      while (literal.find()) {
        if (namesAKey(literal.group(1), declared)) {
          offending.add(SourceTree.ROOT.relativize(file) + ": \"" + literal.group(1) + "\"");
        }
      }
    }
    assertEquals(List.of(), offending, "configuration keys read outside their settings class");
  }

  @Test
  void theRawKeyCheckCatchesAKeyAndAPrefix() {
    List<String> declared = List.of("ingest.max-lateness-days", "hotspots.nightly.top");
    assertTrue(namesAKey("ingest.max-lateness-days", declared));
    assertTrue(namesAKey("hotspots.nightly.", declared));
    assertTrue(namesAKey("hotspots.nightly", declared));
    assertTrue(!namesAKey("ingest", declared) && !namesAKey("marts.churn_metrics", declared));
  }

  /** The literal is a key, or a dotted prefix of one (code that builds keys from a prefix). */
  static boolean namesAKey(String literal, List<String> declared) {
    if (declared.contains(literal)) {
      return true;
    }
    if (!literal.contains(".")) {
      return false;
    }
    String prefix = literal.endsWith(".") ? literal : literal + ".";
    return declared.stream().anyMatch(d -> d.startsWith(prefix));
  }
}
