package io.churnscope.jobs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every Java name that README.md and docs/*.md write in backticks names something declared in a
 * {@code src/<set>/java} tree of some module of this repository, so a renamed class or method
 * cannot leave a stale name behind in the docs. The sources are parsed (not compiled) with the
 * JDK's javac, so nested types, records' components and enum constants count as declared.
 *
 * <p>A span is checked when it reads as one Java name: {@code Class}, {@code pkg.Class},
 * {@code Outer.Inner}, {@code Class.member}, {@code Class#member} or {@code Class::member} (a
 * method, field, enum constant or record component), with optional {@code (...)};
 * {@code Type<Arg>}; {@code method()} on its own (declared in some type); a test name cut short
 * with an ellipsis (a prefix of a method); an {@code io.churnscope} package; a path to a Java source
 * ({@code common/.../spark/InParallel}, {@code ...} standing for any folders). A package prefix may
 * be a suffix of the real package ({@code subscriptions.LicensedSeats}). Everything else is not Java
 * and is skipped: snake_case table and column names, dotted or dashed config keys, flags, paths and
 * commands, SQL and ALL_CAPS words, lowerCamel JSON fields, multi-word phrases, chained expressions,
 * and fenced code blocks.
 */
class DocsNamesTest {
  /**
   * Names the docs may write without a declaration in this repository: classes of Spark, Delta,
   * the JDK and Hive (or write them qualified: org.apache.*, io.delta.*, java.*), and data values
   * that happen to look like a class name.
   */
  private static final Map<String, String> ALLOWED = Map.of(
      "SparkSession", "Spark",
      "Dataset", "Spark",
      "Row", "Spark",
      "DeltaTable", "Delta Lake",
      "Table", "Delta Kernel (io.delta.kernel.Table)",
      "Scan", "Delta Kernel (io.delta.kernel.Scan)",
      "CompletableFuture", "the JDK (a call site in Spark's UI)",
      "SymlinkTextInputFormat", "Hive (how Presto, Trino and Athena read symlink manifests)",
      "Dashboard", "a page name in the generated clickstream (engagement.login-events)");
  private static final List<String> EXTERNAL_PACKAGES =
      List.of("org.apache.", "io.delta.", "java.", "javax.", "scala.");

  private static final Pattern TYPE_NAME = Pattern.compile("[A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*");
  private static final Pattern QUALIFIED = Pattern.compile("(?<pkg>(?:[a-z][a-z0-9_]*\\.)*)(?<type>[A-Z][A-Za-z0-9_]*)"
      + "(?<rest>(?:(?:[.#]|::)[A-Za-z_][A-Za-z0-9_]*)*)(?:\\([^()]*\\))?");
  private static final Pattern GENERIC = Pattern.compile("[A-Z]\\w*<[\\w<>, ?]+>");
  private static final Pattern BARE_METHOD = Pattern.compile("(?<name>[a-z][A-Za-z0-9]*)\\([^()]*\\)");
  private static final Pattern CUT_METHOD = Pattern.compile("(?<prefix>[a-z][A-Za-z0-9]*)(?:…|\\.\\.\\.)");
  private static final Pattern PROJECT_PACKAGE = Pattern.compile("io\\.churnscope(?:\\.[a-z][a-z0-9_]*)*");
  private static final Pattern SOURCE_PATH = Pattern.compile("[\\w.-]+(?:/[\\w.-]+)*/[A-Z]\\w*(?:\\.java)?");
  private static final Pattern SPAN = Pattern.compile("`([^`]+)`");
  private static final String NOT_A_NAME = null;
  private static final String RESOLVED = "";

  /** A type declared in the sources: its qualified name, members and nested types. */
  private record Type(String packageName, String qualifiedName, Set<String> members, Map<String, Type> nested) {}

  private final Path root = repositoryRoot();
  private final List<String> sourcePaths = new ArrayList<>();
  private final Map<String, List<Type>> typesBySimpleName = new HashMap<>();
  private final Set<String> methodNames = new HashSet<>();

  @Test
  void everyJavaNameInTheDocsIsDeclaredInTheSources() throws IOException {
    index(javaSources());
    List<String> unresolved = new ArrayList<>();
    int checked = 0;
    for (Path doc : docs()) {
      String text = withoutFencedBlocks(Files.readString(doc, UTF_8));
      Matcher span = SPAN.matcher(text);
      while (span.find()) {
        String name = span.group(1).replaceAll("\\s+", " ").strip();
        String problem = check(name);
        if (problem == NOT_A_NAME) {
          continue;
        }
        checked++;
        if (!RESOLVED.equals(problem)) {
          int line = 1 + (int) text.substring(0, span.start()).chars().filter(c -> c == '\n').count();
          unresolved.add(root.relativize(doc) + ":" + line + ": `" + name + "`: " + problem);
        }
      }
    }
    assertTrue(checked > 0, "no Java name found in the docs: is the span pattern broken?");
    assertTrue(unresolved.isEmpty(), unresolved.size() + " of the " + checked + " Java names in the docs"
        + " are not declared in any */src/*/java of " + root + " (rename them to the current class or"
        + " method, or list an external name in DocsNamesTest.ALLOWED):\n  " + String.join("\n  ", unresolved));
  }

  /** {@link #NOT_A_NAME} when the span is no Java name, {@link #RESOLVED} when it resolves, else what is missing. */
  private String check(String span) {
    Matcher m;
    if (SOURCE_PATH.matcher(span).matches()) {
      String regex = Pattern.quote(span.endsWith(".java") ? span : span + ".java").replace("...", "\\E.*\\Q");
      return sourcePaths.stream().anyMatch(p -> p.matches(regex)) ? RESOLVED : "no such Java source";
    }
    if (GENERIC.matcher(span).matches()) {
      return Stream.of(span.split("\\W+")).map(this::checkType)
          .filter(p -> !RESOLVED.equals(p)).findFirst().orElse(RESOLVED);
    }
    if ((m = QUALIFIED.matcher(span)).matches() && TYPE_NAME.matcher(m.group("type")).matches()) {
      String pkg = m.group("pkg");
      if (EXTERNAL_PACKAGES.stream().anyMatch(pkg::startsWith)) {
        return NOT_A_NAME;
      }
      if (pkg.isEmpty() && ALLOWED.containsKey(m.group("type"))) {
        return RESOLVED;
      }
      return checkMembers(pkg, m.group("type"), m.group("rest"));
    }
    if ((m = BARE_METHOD.matcher(span)).matches()) {
      return methodNames.contains(m.group("name")) ? RESOLVED : "no method " + m.group("name") + " in any type";
    }
    if ((m = CUT_METHOD.matcher(span)).matches()) {
      String prefix = m.group("prefix");
      return methodNames.stream().anyMatch(n -> n.startsWith(prefix)) ? RESOLVED : "no method " + prefix + "…";
    }
    if (PROJECT_PACKAGE.matcher(span).matches()) {
      boolean found = typesBySimpleName.values().stream().flatMap(List::stream)
          .anyMatch(t -> (t.packageName() + ".").startsWith(span + "."));
      return found ? RESOLVED : "no such package";
    }
    return NOT_A_NAME;
  }

  private String checkType(String simpleName) {
    boolean known = ALLOWED.containsKey(simpleName) || typesBySimpleName.containsKey(simpleName);
    return known ? RESOLVED : "no type " + simpleName;
  }

  /** Resolves pkg (a suffix of the real package, may be empty) . type . rest (nested types, then a member). */
  private String checkMembers(String pkg, String type, String rest) {
    List<Type> candidates = typesBySimpleName.getOrDefault(type, List.of()).stream()
        .filter(t -> ("." + t.packageName() + ".").endsWith("." + pkg))
        .toList();
    if (candidates.isEmpty()) {
      return "no type " + pkg + type;
    }
    List<String> segments = rest.isEmpty() ? List.of()
        : List.of(rest.replaceFirst("^(?:[.#]|::)", "").split("[.#]|::"));
    String problem = RESOLVED;
    for (Type candidate : candidates) {
      problem = checkRest(candidate, segments);
      if (RESOLVED.equals(problem)) {
        return RESOLVED;
      }
    }
    return problem;
  }

  private static String checkRest(Type type, List<String> segments) {
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      if (type.nested().containsKey(segment)) {
        type = type.nested().get(segment);
      } else if (i == segments.size() - 1 && type.members().contains(segment)) {
        return RESOLVED;
      } else {
        return "no method, field or nested type " + segment + " in " + type.qualifiedName();
      }
    }
    return RESOLVED;
  }

  private void index(List<Path> sources) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "the tests need a JDK (javac parses the sources)");
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, UTF_8)) {
      JavacTask task = (JavacTask) javac.getTask(null, files, diagnostic -> { }, List.of("-proc:none"), null,
          files.getJavaFileObjectsFromPaths(sources));
      for (CompilationUnitTree unit : task.parse()) {
        String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
        for (Tree declaration : unit.getTypeDecls()) {
          if (declaration instanceof ClassTree type) {
            index(pkg, pkg, type);
          }
        }
      }
    }
  }

  private Type index(String pkg, String outer, ClassTree tree) {
    String name = tree.getSimpleName().toString();
    Type type = new Type(pkg, outer.isEmpty() ? name : outer + "." + name, new HashSet<>(), new HashMap<>());
    for (Tree member : tree.getMembers()) {
      if (member instanceof MethodTree method && !method.getName().contentEquals("<init>")) {
        type.members().add(method.getName().toString());
        methodNames.add(method.getName().toString());
      } else if (member instanceof VariableTree field) {
        type.members().add(field.getName().toString());
        if (isRecordComponent(tree, field)) {
          methodNames.add(field.getName().toString());
        }
      } else if (member instanceof ClassTree nested) {
        type.nested().put(nested.getSimpleName().toString(), index(pkg, type.qualifiedName(), nested));
      }
    }
    typesBySimpleName.computeIfAbsent(name, n -> new ArrayList<>()).add(type);
    return type;
  }

  /** A record's component is also its accessor method, as in {@code search.tested()}. */
  private static boolean isRecordComponent(ClassTree type, VariableTree field) {
    return type.getKind() == Tree.Kind.RECORD && !field.getModifiers().getFlags().contains(Modifier.STATIC);
  }

  /** Every .java file under some {@code src/<set>/java} folder of the repository, any module. */
  private List<Path> javaSources() throws IOException {
    List<Path> sources = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName().toString();
        boolean skip = !dir.equals(root) && (name.startsWith(".") || name.equals("target"));
        return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        if (relative.matches("(?:.+/)?src/[^/]+/java/.+\\.java")) {
          sources.add(file);
          sourcePaths.add(relative);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    assertFalse(sources.isEmpty(), "no */src/*/java/**/*.java under " + root);
    return sources;
  }

  private List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> files = Files.list(root.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** The text with the lines of ``` blocks blanked, so that line numbers still hold. */
  private static String withoutFencedBlocks(String markdown) {
    StringBuilder out = new StringBuilder();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      boolean fence = line.strip().startsWith("```");
      out.append(fenced || fence ? "" : line).append('\n');
      if (fence) {
        fenced = !fenced;
      }
    }
    return out.toString();
  }

  /** The folder of the parent pom (the one with modules), found upwards from the working directory. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      try {
        if (Files.isRegularFile(pom) && Files.readString(pom, UTF_8).contains("<modules>")) {
          return dir;
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + pom, e);
      }
    }
    throw new IllegalStateException("no pom.xml with <modules> above " + Path.of("").toAbsolutePath());
  }
}
