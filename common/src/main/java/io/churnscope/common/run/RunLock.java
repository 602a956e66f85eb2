package io.churnscope.common.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.churnscope.common.UserError;
import io.churnscope.common.config.RunLockSettings;
import io.churnscope.common.lake.Lake;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's run lock, {@code <lake>/_runs/lock}: one writing run at a time per lake. Two nightlies
 * on one lake would race on the same Delta commits (the first of two started seconds apart died
 * with a {@code ConcurrentAppendException}); the second is refused instead, with one line naming
 * the holder.
 *
 * <p>The lock is a file created only if absent, holding the holder as JSON (host, pid, user,
 * command, run date, start time, lease, a random token). It is never rewritten: the holder renews
 * its lease by rewriting a second file, {@code _runs/lock.heartbeat} (its token, the time, and the
 * run id and stage it is at), every quarter of the lease from a daemon thread and at each stage's
 * start. A lock is stale, and the next run takes it over saying so in one line, when its last sign
 * of life (start or heartbeat) is older than its lease, or at once when its holder ran on this host
 * and its process is gone. The run that takes over learns from the heartbeat which run and stage
 * died ({@link #takeInterrupted}), for the run manifest. A run killed with SIGKILL thus blocks the
 * lake for one lease at most; SIGTERM releases the lock through a shutdown hook.
 *
 * <p>Only the creation must be atomic. It is on HDFS (the NameNode refuses an existing path) and on
 * a local or NFS file system (a hard link to a written file, not Hadoop's exists-then-create). On S3
 * Hadoop's create-if-absent is a check then a write, so two runs started within the same instant
 * may both proceed; Delta on S3 needs a single writer per table anyway (its default LogStore).
 */
public final class RunLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Who holds (or wants) the lock.
   *
   * @param token random, tells this holding apart from any other, even of the same process
   * @param runDate the run date, or {@code from..to} for a back-fill
   * @param lease how long the lock stays valid after the holder's last heartbeat
   */
  public record Holder(String token, String host, long pid, String user, String command, String runDate,
      Instant startedAt, Duration lease) {
    /** This process, about to run {@code command} for {@code runDate}. */
    public static Holder thisProcess(String command, String runDate, Duration lease) {
      return new Holder(UUID.randomUUID().toString(), localHost(), ProcessHandle.current().pid(),
          System.getProperty("user.name", "?"), command, runDate, Instant.now(), lease);
    }

    /** E.g. {@code nightly for 2026-10-31 (pid 4242 on host etl-1, user etl, started 2026-11-01T02:30:00Z)}. */
    public String describe() {
      return command + " for " + runDate + " (pid " + pid + " on host " + host + ", user " + user
          + ", started " + startedAt + ")";
    }

    byte[] toJson() {
      ObjectNode node = JSON.createObjectNode().put("token", token).put("host", host).put("pid", pid).put("user", user)
          .put("command", command).put("run_date", runDate).put("started_at", startedAt.toString())
          .put("lease_seconds", lease.toSeconds());
      return (node.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static Holder fromJson(byte[] bytes) throws IOException {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.hasNonNull("token") || !node.hasNonNull("started_at")) {
        throw new IOException("not a run lock");
      }
      return new Holder(node.get("token").asText(), node.path("host").asText("?"), node.path("pid").asLong(-1),
          node.path("user").asText("?"), node.path("command").asText("?"), node.path("run_date").asText("?"),
          Instant.parse(node.get("started_at").asText()), Duration.ofSeconds(node.path("lease_seconds").asLong(0)));
    }
  }

  /**
   * What a contender finds at the lock's path.
   *
   * @param bytes the file as read (compared before a takeover)
   * @param holder null when the file cannot be read as a lock (being written, or damaged)
   * @param lastSign the holder's last heartbeat, else its start, else the file's modification time
   */
  record Found(byte[] bytes, Holder holder, Instant lastSign, Work lastWork) {}

  /**
   * What a holder said it was doing at its last heartbeat: a run's id and date and the stage it was
   * running (the date null in a heartbeat written before it was carried).
   */
  record Work(String runId, java.time.LocalDate runDate, String stage) {}

  /**
   * A run whose holder died while it held the lock, found when this run took the lock over.
   *
   * @param runId the dead run's id, {@code stage} the stage it was running at its last heartbeat
   * @param runDate the date the dead run computed, null when its heartbeat did not say
   * @param lastSign its last heartbeat
   * @param why e.g. {@code nightly for 2026-10-31 (pid 4242 ...): its process 4242 is no longer alive on this host}
   */
  public record Interrupted(String runId, java.time.LocalDate runDate, String stage, Instant lastSign, String why) {}

  /** The locks this process holds, by their {@code _runs} folder: what {@link #working} finds. */
  private static final java.util.Map<String, RunLock> HELD = new java.util.concurrent.ConcurrentHashMap<>();

  private final FileSystem fs;
  /** The file system {@link #acquire(Configuration, Lake, RunLockSettings, String, String)} opened, closed with the lock. */
  private FileSystem owned;
  private final Path lock;
  private final Path heartbeat;
  private final Holder holder;
  private final ScheduledExecutorService beats;
  private final Runnable onShutdown;
  private volatile boolean released;
  private String tookOver;
  private volatile Interrupted interrupted;
  private volatile boolean lost;
  private volatile Work work;

  private RunLock(FileSystem fs, Path runs, Holder holder) {
    this.fs = fs;
    this.lock = new Path(runs, "lock");
    this.heartbeat = new Path(runs, "lock.heartbeat");
    this.holder = holder;
    this.beats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "churnscope-run-lock-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    this.onShutdown = this::release;
  }

  /**
   * Takes the lake's lock for {@code command} on {@code runDate}, or throws a {@link UserError} naming
   * the run that holds it. Release it with {@link #close()} (try-with-resources), failure or not.
   */
  public static RunLock acquire(Configuration hadoop, Lake lake, RunLockSettings settings, String command,
      String runDate) {
    Path runs = runsFolder(lake);
    try {
      // An instance of its own: Hadoop caches file systems by scheme, and a lock taken before Spark starts
      // must not leave Spark the one built from a configuration without Spark's settings.
      FileSystem fs = FileSystem.newInstance(runs.toUri(), hadoop);
      try {
        RunLock lock = acquire(fs, runs, Holder.thisProcess(command, runDate, settings.lease()));
        lock.owned = fs;
        return lock;
      } catch (RuntimeException | IOException e) {
        fs.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the run lock under " + runs + ": " + e.getMessage(), e);
    }
  }

  /** Takes the lock under {@code runs} for {@code holder}; a test names another host or process. */
  public static RunLock acquire(FileSystem fs, Path runs, Holder holder) throws IOException {
    RunLock wanted = new RunLock(fs instanceof LocalFileSystem local ? local.getRaw() : fs, runs, holder);
    wanted.fs.mkdirs(runs);
    for (int attempt = 0; attempt < 3; attempt++) {
      if (wanted.createIfAbsent()) {
        wanted.start();
        return wanted;
      }
      Found found = wanted.read();
      if (found == null) {
        continue;
      }
      String stale = wanted.staleBecause(found);
      if (stale == null && found.holder() == null && attempt < 2) {
        sleep(500); // being written by the run that just created it: read it again
        continue;
      }
      if (stale == null) {
        wanted.beats.shutdown();
        throw new UserError(wanted.refusal(found));
      }
      if (wanted.takeOver(found)) {
        String from = (found.holder() == null ? "an unreadable lock file" : found.holder().describe()) + ": " + stale;
        wanted.tookOver = "taking over the lake's run lock " + wanted.lock + " from " + from;
        LOG.warn(wanted.tookOver);
        if (found.lastWork() != null) {
          wanted.interrupted = new Interrupted(found.lastWork().runId(), found.lastWork().runDate(),
              found.lastWork().stage(), found.lastSign(), from);
        }
      }
    }
    wanted.beats.shutdown();
    Found found = wanted.read();
    throw new UserError(found == null ? "could not take the lake's run lock " + wanted.lock
        + ": other runs were taking it at the same time; try again" : wanted.refusal(found));
  }

  public Holder holder() {
    return holder;
  }

  /** The line said when this run took the lock over from a dead run, if it did. */
  public java.util.Optional<String> tookOver() {
    return java.util.Optional.ofNullable(tookOver);
  }

  /**
   * Says, in the heartbeat, which run and stage the process holding {@code lake}'s lock is at (written at
   * once): a run that later takes the lock over from a dead holder knows what it was doing. Nothing
   * when this process holds no lock on the lake (a stage run on its own session, in a test).
   */
  public static void working(Lake lake, String runId, java.time.LocalDate runDate, String stage) {
    RunLock held = HELD.get(runsFolder(lake).toString());
    if (held != null) {
      held.work = stage == null ? null : new Work(runId, runDate, stage);
      try {
        held.beat();
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not write the run lock's heartbeat {}: {}", held.heartbeat, e.getMessage());
      }
    }
  }

  /**
   * The run that died holding {@code lake}'s lock, found when this process took the lock over, given
   * once (the caller records it); empty when there was none or it was given already.
   */
  public static java.util.Optional<Interrupted> takeInterrupted(Lake lake) {
    RunLock held = HELD.get(runsFolder(lake).toString());
    if (held == null) {
      return java.util.Optional.empty();
    }
    synchronized (held) {
      Interrupted found = held.interrupted;
      held.interrupted = null;
      return java.util.Optional.ofNullable(found);
    }
  }

  private static Path runsFolder(Lake lake) {
    return new Path(lake.root() + "/_runs");
  }

  /** Releases the lock if this run still holds it. */
  @Override
  public void close() {
    release();
    if (!ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(onShutdown);
    }
    if (owned != null) {
      try {
        owned.close();
      } catch (IOException e) {
        LOG.debug("closing the run lock's file system", e);
      }
    }
  }

  private synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    HELD.remove(lock.getParent().toString(), this);
    beats.shutdownNow();
    try {
      Found found = read();
      if (found != null && found.holder() != null && found.holder().token().equals(holder.token())) {
        fs.delete(lock, false);
        fs.delete(heartbeat, false);
      } else {
        LOG.warn("the lake's run lock {} was no longer this run's when it ended ({}): left as it is", lock,
            found == null ? "gone" : found.holder() == null ? "unreadable" : "held by " + found.holder().describe());
      }
    } catch (IOException e) {
      LOG.warn("could not release the lake's run lock {} ({}); the next run takes it over once its lease of {} "
          + "has passed, or delete it", lock, e.getMessage(), words(holder.lease()));
    }
  }

  private void start() throws IOException {
    beat();
    HELD.put(lock.getParent().toString(), this);
    long every = Math.max(200, holder.lease().toMillis() / 4);
    beats.scheduleWithFixedDelay(this::beatOrSayWhy, every, every, TimeUnit.MILLISECONDS);
    // Through Hadoop's hook manager, ahead of the hook that closes every FileSystem (an HDFS client
    // closed first could not delete the lock).
    ShutdownHookManager.get().addShutdownHook(onShutdown, FileSystem.SHUTDOWN_HOOK_PRIORITY + 20);
  }

  private void beatOrSayWhy() {
    try {
      Found found = read();
      if (found == null || found.holder() == null || !found.holder().token().equals(holder.token())) {
        LOG.error("this run lost the lake's run lock {} to {}: another run may be writing the lake", lock,
            found == null ? "nobody (it was deleted)" : found.holder() == null ? "an unreadable lock file"
                : found.holder().describe());
        lost = true;
        HELD.remove(lock.getParent().toString(), this);
        beats.shutdown();
        return;
      }
      beat();
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not renew the lake's run lock {}: {}", lock, e.getMessage());
    }
  }

  private synchronized void beat() throws IOException {
    if (lost || released) {
      return; // the heartbeat file is another run's now, or gone
    }
    ObjectNode node = JSON.createObjectNode().put("token", holder.token()).put("heartbeat_at", Instant.now().toString());
    Work now = work;
    if (now != null) {
      node.put("run_id", now.runId()).put("run_date", String.valueOf(now.runDate())).put("stage", now.stage());
    }
    byte[] json = (node.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = fs.create(heartbeat, true)) {
      out.write(json);
    }
  }

  /** Creates the lock file if no file is there; false if one is. */
  private boolean createIfAbsent() throws IOException {
    byte[] json = holder.toJson();
    if (fs instanceof RawLocalFileSystem local) {
      // Hadoop's local create(path, false) checks, then opens with O_TRUNC: two runs could both pass.
      // A hard link to a complete file is created only if the name is free, and never seen half-written.
      java.nio.file.Path file = local.pathToFile(lock).toPath();
      java.nio.file.Path written = file.resolveSibling("lock." + holder.token() + ".tmp");
      Files.write(written, json);
      try {
        Files.createLink(file, written);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(written);
      }
    }
    try (OutputStream out = fs.create(lock, false)) {
      out.write(json);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(lock)) {
        return false;
      }
      throw e;
    }
  }

  /** The lock file as it is now, or null when there is none. */
  Found read() throws IOException {
    byte[] bytes;
    Instant modified;
    try {
      modified = Instant.ofEpochMilli(fs.getFileStatus(lock).getModificationTime());
      try (InputStream in = fs.open(lock)) {
        bytes = in.readAllBytes();
      }
    } catch (FileNotFoundException e) {
      return null;
    }
    Holder found;
    try {
      found = Holder.fromJson(bytes);
    } catch (IOException | RuntimeException e) {
      return new Found(bytes, null, modified, null);
    }
    java.util.Optional<Beat> beat = lastHeartbeat(found);
    return new Found(bytes, found, beat.map(Beat::at).orElse(found.startedAt()), beat.map(Beat::work).orElse(null));
  }

  /**
   * The holder's last heartbeat; a heartbeat file being rewritten right now cannot be parsed, and its
   * modification time is then the sign of life.
   */
  private java.util.Optional<Beat> lastHeartbeat(Holder of) throws IOException {
    try {
      Instant modified = Instant.ofEpochMilli(fs.getFileStatus(heartbeat).getModificationTime());
      byte[] bytes;
      try (InputStream in = fs.open(heartbeat)) {
        bytes = in.readAllBytes();
      }
      try {
        JsonNode node = JSON.readTree(bytes);
        if (!of.token().equals(node.path("token").asText())) {
          return java.util.Optional.empty();
        }
        Work work = node.hasNonNull("run_id") ? new Work(node.get("run_id").asText(), runDate(node.path("run_date")),
            node.path("stage").asText("?")) : null;
        return java.util.Optional.of(new Beat(Instant.parse(node.get("heartbeat_at").asText()), work));
      } catch (IOException | RuntimeException e) {
        return java.util.Optional.of(new Beat(modified, null));
      }
    } catch (FileNotFoundException e) {
      return java.util.Optional.empty();
    }
  }

  private static java.time.LocalDate runDate(JsonNode field) {
    try {
      return field.isTextual() ? java.time.LocalDate.parse(field.asText()) : null;
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  /** A heartbeat as read: when, and what the holder said it was doing (null when it said nothing). */
  private record Beat(Instant at, Work work) {}

  /** Why the lock found is stale, or null when its holder may still be running. */
  String staleBecause(Found found) {
    Holder other = found.holder();
    if (other != null && other.host().equals(holder.host()) && other.pid() > 0
        && !ProcessHandle.of(other.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      return "its process " + other.pid() + " is no longer alive on this host";
    }
    Duration lease = leaseOf(found);
    Duration quiet = Duration.between(found.lastSign(), Instant.now());
    if (quiet.compareTo(lease) > 0) {
      return "its last heartbeat was " + words(quiet) + " ago, past its lease of " + words(lease);
    }
    return null;
  }

  /**
   * Moves the stale lock aside, checking it is still the one judged stale (another run may have
   * taken it over meanwhile: then it is put back). True when the lock's path is free again.
   */
  private boolean takeOver(Found stale) throws IOException {
    Path aside = new Path(lock.getParent(), "lock.stale-" + UUID.randomUUID());
    boolean moved;
    try {
      moved = fs.rename(lock, aside);
    } catch (FileNotFoundException e) {
      moved = false;
    }
    if (!moved) {
      return false;
    }
    byte[] movedBytes;
    try (InputStream in = fs.open(aside)) {
      movedBytes = in.readAllBytes();
    }
    if (!Arrays.equals(movedBytes, stale.bytes())) {
      try {
        fs.rename(aside, lock);
      } catch (IOException e) {
        LOG.warn("moved another run's fresh lock to {} and could not put it back: {}", aside, e.getMessage());
      }
      return false;
    }
    fs.delete(aside, false);
    return true;
  }

  private String refusal(Found found) {
    String who = found.holder() == null ? "a run whose lock file cannot be read" : found.holder().describe();
    Duration ago = Duration.between(found.lastSign(), Instant.now());
    return "the lake is locked by another run: " + who + ", last heartbeat " + words(ago) + " ago. Wait for it to "
        + "end; if that run is really dead, delete " + lock + " (a dead run's lock is also taken over once "
        + words(leaseOf(found)) + " pass without a heartbeat, or at once from its own host)";
  }

  private Duration leaseOf(Found found) {
    return found.holder() != null && !found.holder().lease().isZero() ? found.holder().lease() : holder.lease();
  }

  /** {@code 42 s}, {@code 10 min}. */
  static String words(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    return seconds < 120 ? seconds + " s" : seconds / 60 + " min";
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return System.getenv().getOrDefault("HOSTNAME", "unknown-host");
    }
  }
}
