package io.churnscope.jobs.nightly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 for one test class: Spark's own
 * {@code org.apache.spark.deploy.master.Master} and {@code org.apache.spark.deploy.worker.Worker},
 * each a JVM of its own, over a Spark home assembled from the Maven artifacts (its {@code jars/}
 * folder links the jars a Spark 4.1 distribution ships; the worker builds each executor's class path
 * from it). Every port is a free one; the web UIs and every JVM bind to 127.0.0.1 only.
 *
 * <p>Closing it kills every JVM it started, and their children (executors, cluster-mode drivers);
 * a shutdown hook does the same when the test JVM ends without closing it.
 */
final class StandaloneCluster implements AutoCloseable {
  private final Path home;
  private final Path logs;
  private final List<String> jvmOptions;
  private final int masterPort = freePort();
  private final int masterUiPort = freePort();
  private final List<Process> started = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private final Thread killOnExit = new Thread(this::killAll, "kill-standalone-cluster");

  private StandaloneCluster(Path home, Path logs, List<String> jvmOptions) {
    this.home = home;
    this.logs = logs;
    this.jvmOptions = jvmOptions;
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * A Spark home under {@code dir}: {@code jars/} links each of {@code jars}, {@code RELEASE} marks it
   * as a distribution (Spark's launcher then takes {@code jars/} rather than a source build's folders),
   * and {@code conf/log4j2.properties} keeps Spark's INFO lines out of the logs (on every JVM's class path).
   */
  static Path assembleSparkHome(Path dir, List<Path> jars) throws IOException {
    Path home = dir.resolve("spark-home");
    Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    for (Path jar : jars) {
      Files.createSymbolicLink(home.resolve("jars").resolve(jar.getFileName()), jar.toAbsolutePath());
    }
    Files.writeString(home.resolve("RELEASE"), "Spark assembled from the Maven artifacts by StandaloneCluster\n");
    Files.writeString(home.resolve("conf/log4j2.properties"), """
        rootLogger.level = warn
        rootLogger.appenderRef.stderr.ref = console
        appender.console.type = Console
        appender.console.name = console
        appender.console.target = SYSTEM_ERR
        appender.console.layout.type = PatternLayout
        appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
        logger.churnscope.name = io.churnscope
        logger.churnscope.level = info
        logger.client.name = org.apache.spark.deploy.ClientEndpoint
        logger.client.level = info
        """);
    return home;
  }

  /**
   * Starts a master and {@code workers} workers, each offering {@code cores} cores (a count the master
   * hands out, not a limit on the machine's) and {@code memory} for executors and drivers. Returns at
   * once: {@link #awaitWorkers} waits for them.
   */
  static StandaloneCluster start(Path home, Path logs, List<String> jvmOptions, int workers, int cores, String memory)
      throws IOException {
    Files.createDirectories(logs);
    StandaloneCluster cluster = new StandaloneCluster(home, logs, jvmOptions);
    cluster.launch(cluster.java("256m", List.of("-Dspark.master.rest.enabled=false"),
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String.valueOf(cluster.masterPort),
        "--webui-port", String.valueOf(cluster.masterUiPort)), "master");
    for (int i = 1; i <= workers; i++) {
      Path work = logs.resolve("worker-" + i + "-work");
      Files.createDirectories(work);
      cluster.workers.add(cluster.launch(cluster.java("256m", List.of(), "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--webui-port", String.valueOf(freePort()), "--cores", String.valueOf(cores),
          "--memory", memory, "--work-dir", work.toString(), cluster.masterUrl()), "worker-" + i));
    }
    return cluster;
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The master's state as its web UI gives it ({@code /json/}): workers, applications, drivers. */
  JsonNode masterState() throws IOException {
    return new ObjectMapper().readTree(URI.create("http://127.0.0.1:" + masterUiPort + "/json/").toURL());
  }

  /** Waits until {@code count} workers are registered and alive; fails with the daemons' logs otherwise. */
  void awaitWorkers(int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (masterState().path("aliveworkers").asInt() >= count) {
          return;
        }
      } catch (IOException notYetUp) {
        // The master's UI is not listening yet.
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no " + count + " alive workers after " + timeout + ":\n" + tail("master") + tail("worker-1"));
  }

  /** A {@code java} command line on the Spark home's class path, with Spark's JVM options for Java 17. */
  List<String> java(String heap, List<String> properties, String mainClass, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap));
    command.addAll(jvmOptions);
    command.addAll(properties);
    command.addAll(List.of("-cp", home.resolve("conf") + ":" + home.resolve("jars") + "/*", mainClass));
    command.addAll(Arrays.asList(args));
    return command;
  }

  /**
   * Starts {@code command} with the Spark home's environment (what {@code sbin/} and {@code bin/}
   * scripts set), its output in {@code <logs>/<name>.log}; killed by {@link #close}.
   */
  Process launch(List<String> command, String name) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".log").toFile());
    builder.environment().put("SPARK_HOME", home.toString());
    // The worker's launcher reads it to find jars/ (a distribution's bin/load-spark-env.sh sets it).
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    synchronized (started) {
      Process process = builder.start();
      started.add(process);
      return process;
    }
  }

  /** Runs {@code command} to its end (at most {@code timeout}) and returns its exit status. */
  int run(List<String> command, String name, Duration timeout) throws Exception {
    Process process = launch(command, name);
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      kill(process);
      throw new AssertionError(name + " still running after " + timeout + ":\n" + tail(name));
    }
    return process.exitValue();
  }

  /**
   * Kills worker {@code number} and its executors with SIGKILL, as a machine that fails: the master and
   * the drivers find out only when the connections drop.
   */
  void killWorker(int number) {
    Process worker;
    synchronized (started) {
      worker = workers.get(number - 1);
    }
    kill(worker);
  }

  /** The last lines of {@code <logs>/<name>.log}, for a failure message. */
  String tail(String name) {
    try {
      List<String> lines = Files.readAllLines(logs.resolve(name + ".log"));
      return "--- " + name + ".log (end) ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
    } catch (IOException e) {
      return "--- " + name + ".log: " + e.getMessage() + "\n";
    }
  }

  Path logs() {
    return logs;
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException exiting) {
      // Already shutting down: the hook runs anyway.
    }
  }

  private void killAll() {
    synchronized (started) {
      // Clients first (they are the latest), then workers, then the master: a worker's executors and
      // drivers are its children, killed with it.
      for (int i = started.size() - 1; i >= 0; i--) {
        kill(started.get(i));
      }
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every port {@link #freePort} has handed out in this JVM. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A port free on 127.0.0.1 now and not handed out before: the system may give a port it just gave
   * again once its socket is closed (seen in CI: the master's RPC and web UI ports were the same, its
   * UI moved to the next port, and the test asked the RPC port for the UI's JSON for two minutes).
   */
  private static int freePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new IllegalStateException("no free port on 127.0.0.1", e);
      }
    }
    throw new IllegalStateException("no port on 127.0.0.1 that was not handed out already");
  }
}
