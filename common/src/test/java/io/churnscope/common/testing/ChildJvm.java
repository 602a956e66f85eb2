package io.churnscope.common.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of a command line for a short-lived JVM a test runs as a separate process (a command as
 * bin/churnscope would run it, a lock holder, an independent reader): this JVM's java, the heap given,
 * and the flags that suit a process of a few seconds on a busy 2-core machine — C1 compilation only and
 * the serial collector, so it does not compete with the test JVMs for cores with compiler and GC threads
 * (measured: SqlCommandTest, three such processes, 71 s → 58 s solo).
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** {@code java -Xmx<heap> -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}, to be followed by the rest. */
  public static List<String> java(String heap) {
    return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
  }

  /** {@link #java} plus the {@code --add-opens} list Spark needs on Java 17 (the pom's churnscope.jvm.opens). */
  public static List<String> javaForSpark(String heap) {
    List<String> command = java(heap);
    command.addAll(List.of(System.getProperty("churnscope.jvm.opens").trim().split("\\s+")));
    return command;
  }
}
