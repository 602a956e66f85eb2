package io.churnscope.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The repository's sources, for tests that check the code itself (package graph, configuration keys). */
public final class SourceTree {
  /** The repository root: the folder of {@code conf/}. */
  public static final Path ROOT = Path.of(System.getProperty("churnscope.conf.dir")).getParent().normalize();

  private SourceTree() {}

  /** Every main source file of every module: {@code <module>/src/main/java/**.java}. */
  public static List<Path> mainSources() {
    try (Stream<Path> modules = Files.list(ROOT)) {
      List<Path> sources = new ArrayList<>();
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).sorted().toList()) {
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
          files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(sources::add);
        }
      }
      return sources;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
