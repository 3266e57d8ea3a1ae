package org.moespark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the DevTools protocol with the JDK's HttpClient WebSocket: open a
 * page, wait for its load event, evaluate JavaScript, take screenshots, and collect every console
 * error, uncaught exception and failed resource load (Log domain).
 */
final class Chromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final WebSocket ws;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new ArrayList<>();

  private Chromium(Process process, WebSocket ws) {
    this.process = process;
    this.ws = ws;
  }

  /** The chromium binary on PATH (Debian package `chromium`), or null. */
  static Path binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** Starts Chromium with a fresh profile in {@code profile} and attaches to a blank page. */
  static Chromium start(Path binary, Path profile) throws Exception {
    Files.createDirectories(profile);
    Process p = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
        "--remote-allow-origins=*", "--user-data-dir=" + profile, "about:blank")
        .redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    // Chromium writes the port it picked into the profile directory.
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("Chromium did not start; its log:\n"
            + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> target = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/json/new?about:blank"))
        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    String wsUrl = JSON.readTree(target.body()).get("webSocketDebuggerUrl").asText();
    Listener listener = new Listener();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), listener)
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Chromium c = new Chromium(p, ws);
    listener.owner = c;
    c.call("Runtime.enable", null);
    c.call("Log.enable", null);
    c.call("Page.enable", null);
    return c;
  }

  /** Navigates to {@code url} in a {@code width}×{@code height} viewport and waits for load. */
  void open(String url, int width, int height) throws Exception {
    ObjectNode metrics = JSON.createObjectNode().put("width", width).put("height", height)
        .put("deviceScaleFactor", 1).put("mobile", false);
    call("Emulation.setDeviceMetricsOverride", metrics);
    int seen = eventCount();
    call("Page.navigate", JSON.createObjectNode().put("url", url));
    awaitEvent("Page.loadEventFired", seen);
  }

  /** Evaluates {@code expression} in the page and returns its JSON value. */
  JsonNode eval(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
        .put("returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("page script failed: " + r.get("exceptionDetails"));
    }
    return r.get("result").get("value");
  }

  /** A PNG of the viewport, or of the page region {@code clip} (x, y, width, height) when given. */
  byte[] screenshot(double[] clip) throws Exception {
    ObjectNode params = JSON.createObjectNode().put("format", "png");
    if (clip != null) {
      params.put("captureBeyondViewport", true).putObject("clip").put("x", clip[0]).put("y", clip[1])
          .put("width", clip[2]).put("height", clip[3]).put("scale", 1);
    }
    return Base64.getDecoder().decode(call("Page.captureScreenshot", params).get("data").asText());
  }

  /** Console errors, uncaught exceptions and error log entries (e.g. a missing image) so far. */
  List<String> errors() {
    List<String> errors = new ArrayList<>();
    synchronized (events) {
      for (JsonNode e : events) {
        String method = e.get("method").asText();
        JsonNode p = e.get("params");
        if (method.equals("Runtime.consoleAPICalled")
            && List.of("error", "assert").contains(p.get("type").asText())) {
          errors.add("console." + p.get("type").asText() + ": " + p.get("args"));
        } else if (method.equals("Runtime.exceptionThrown")) {
          errors.add("exception: " + p.get("exceptionDetails"));
        } else if (method.equals("Log.entryAdded") && p.get("entry").get("level").asText().equals("error")) {
          errors.add("log: " + p.get("entry").get("text").asText() + " " + p.get("entry").path("url").asText());
        }
      }
    }
    return errors;
  }

  private int eventCount() {
    synchronized (events) {
      return events.size();
    }
  }

  private void awaitEvent(String method, int after) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    synchronized (events) {
      while (true) {
        for (int i = after; i < events.size(); i++) {
          if (events.get(i).get("method").asText().equals(method)) {
            return;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no " + method + " within " + TIMEOUT);
        }
        events.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
      }
    }
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params == null ? JSON.createObjectNode() : params);
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ws.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    JsonNode r = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.get("result");
  }

  private void receive(String text) throws IOException {
    JsonNode m = JSON.readTree(text);
    if (m.has("id")) {
      CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
      if (f != null) {
        f.complete(m);
      }
    } else if (m.has("method")) {
      synchronized (events) {
        events.add(m);
        events.notifyAll();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    ws.abort();
    // Renderer and zygote processes outlive the browser process and keep writing the profile.
    java.util.List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    for (ProcessHandle c : children) {
      try {
        c.onExit().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        c.destroyForcibly();
      }
    }
  }

  /** Reassembles fragmented text frames (screenshots arrive in many) into messages. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();
    private Chromium owner;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String text = buffer.toString();
        buffer.setLength(0);
        try {
          owner.receive(text);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      ws.request(1);
      return null;
    }
  }
}
