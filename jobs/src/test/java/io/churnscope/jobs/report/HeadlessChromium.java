package io.churnscope.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the DevTools protocol (a WebSocket, Java's own client): opens a
 * page, records every request the page makes and every console error or uncaught exception,
 * evaluates JavaScript in it, and takes screenshots. Debian's {@code chromium} package
 * ({@code .ci/run} installs it); {@code CHROMIUM} names another binary. A missing browser is a
 * test failure, never a skip.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path DEFAULT_BINARY = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path userDataDir;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = java.util.Collections.synchronizedList(new ArrayList<>());

  private HeadlessChromium(Process process, Path userDataDir, WebSocket socket) {
    this.process = process;
    this.userDataDir = userDataDir;
    this.socket = socket;
  }

  /** The browser binary: {@code $CHROMIUM}, else {@code /usr/bin/chromium}; fails when neither exists. */
  static Path binary() {
    String configured = System.getenv("CHROMIUM");
    Path binary = configured != null && !configured.isBlank() ? Path.of(configured) : DEFAULT_BINARY;
    if (!Files.isExecutable(binary)) {
      throw new AssertionError("no Chromium at " + binary + ": install it (apt-get install -y chromium; .ci/run does) "
          + "or set CHROMIUM to a Chromium binary. The report's browser test does not skip without one.");
    }
    return binary;
  }

  static HeadlessChromium start() throws Exception {
    Path userDataDir = Files.createTempDirectory("churnscope-chromium");
    Process process = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + userDataDir, "--remote-debugging-port=0",
        "--window-size=1400,1000", "about:blank")
        .redirectErrorStream(true).redirectOutput(userDataDir.resolve("chromium.log").toFile()).start();
    try {
      int port = devToolsPort(userDataDir, process);
      String pageSocket = pageSocket(port);
      Listener listener = new Listener();
      WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(pageSocket), listener).get(30, TimeUnit.SECONDS);
      HeadlessChromium browser = new HeadlessChromium(process, userDataDir, socket);
      listener.browser = browser;
      return browser;
    } catch (Exception | AssertionError e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Chromium writes the port it chose (--remote-debugging-port=0) to DevToolsActivePort. */
  private static int devToolsPort(Path userDataDir, Process process) throws Exception {
    Path file = userDataDir.resolve("DevToolsActivePort");
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("Chromium exited with " + process.exitValue() + ": "
            + Files.readString(userDataDir.resolve("chromium.log")));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Chromium did not open its DevTools port within " + START_TIMEOUT);
  }

  /** The WebSocket of the browser's first page (about:blank). */
  private static String pageSocket(int port) throws Exception {
    HttpResponse<String> list = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString());
    for (JsonNode target : JSON.readTree(list.body())) {
      if (target.path("type").asText().equals("page")) {
        return target.path("webSocketDebuggerUrl").asText();
      }
    }
    throw new AssertionError("Chromium has no page target: " + list.body());
  }

  /** Sends a DevTools command and waits for its result; a protocol error fails. */
  JsonNode send(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", JSON.valueToTree(params));
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
    JsonNode answer = reply.get(60, TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new AssertionError(method + " failed: " + answer.get("error"));
    }
    return answer.path("result");
  }

  /** Evaluates an expression in the page and returns its value. */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new AssertionError("evaluating " + expression + " threw " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Starts recording requests and console messages, then opens {@code url}. */
  void open(String url) throws Exception {
    send("Network.enable", Map.of());
    send("Runtime.enable", Map.of());
    send("Log.enable", Map.of());
    send("Page.enable", Map.of());
    JsonNode navigated = send("Page.navigate", Map.of("url", url));
    if (navigated.hasNonNull("errorText")) {
      throw new AssertionError("cannot open " + url + ": " + navigated.get("errorText"));
    }
  }

  /** Polls {@code expression} until it is neither null nor undefined; its value, or null at the timeout. */
  JsonNode waitFor(String expression, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JsonNode value = evaluate(expression);
      if (!value.isMissingNode() && !value.isNull()) {
        return value;
      }
      Thread.sleep(100);
    }
    return null;
  }

  /** Every URL the page requested. */
  List<String> requestedUrls() {
    return eventsNamed("Network.requestWillBeSent").map(e -> e.path("params").path("request").path("url").asText()).toList();
  }

  /**
   * Console errors and warnings, uncaught exceptions and the browser's own error entries (a
   * blocked load, a refused script), each as one line.
   */
  List<String> errors() {
    List<String> errors = new ArrayList<>();
    eventsNamed("Runtime.consoleAPICalled")
        .filter(e -> List.of("error", "assert", "warning").contains(e.path("params").path("type").asText()))
        .forEach(e -> errors.add("console." + e.path("params").path("type").asText() + ": " + e.path("params").path("args")));
    eventsNamed("Runtime.exceptionThrown").forEach(e -> errors.add("exception: " + e.path("params").path("exceptionDetails")));
    eventsNamed("Log.entryAdded").filter(e -> e.path("params").path("entry").path("level").asText().equals("error"))
        .forEach(e -> errors.add("log: " + e.path("params").path("entry").path("text").asText()
            + " " + e.path("params").path("entry").path("url").asText()));
    return errors;
  }

  private Stream<JsonNode> eventsNamed(String method) {
    synchronized (events) {
      return new ArrayList<>(events).stream().filter(e -> e.path("method").asText().equals(method));
    }
  }

  /** A PNG of the whole page at {@code width} pixels wide, saved to {@code file}. */
  void screenshot(int width, Path file) throws Exception {
    int height = Math.min(16_000, evaluate("document.documentElement.scrollHeight").asInt());
    send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
        "mobile", false));
    JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(userDataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Reassembles each message from its fragments; replies complete their command, the rest are events. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder message = new StringBuilder();
    volatile HeadlessChromium browser;

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        String text = message.toString();
        message.setLength(0);
        try {
          JsonNode node = JSON.readTree(text);
          while (browser == null) {
            Thread.onSpinWait();
          }
          if (node.has("id")) {
            CompletableFuture<JsonNode> reply = browser.pending.remove(node.get("id").asInt());
            if (reply != null) {
              reply.complete(node);
            }
          } else {
            browser.events.add(node);
          }
        } catch (IOException e) {
          throw new IllegalStateException("unreadable DevTools message: " + text, e);
        }
      }
      socket.request(1);
      return null;
    }
  }
}
