package io.churnscope.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.churnscope.common.UserError;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake's run lock on the local file system, through Hadoop's {@link FileSystem} as the jobs use
 * it: of runs started at once exactly one holds it and the others are refused naming it; the holder's
 * heartbeat keeps it past its lease; a lock whose lease expired, whose process on this host is gone,
 * or whose JVM was killed with SIGKILL is taken over; a closed lock leaves nothing behind.
 */
class RunLockTest {
  private static final Duration LEASE = Duration.ofMinutes(10);

  @TempDir
  java.nio.file.Path dir;
  FileSystem fs;
  Path runs;

  @BeforeEach
  void localFileSystem() throws Exception {
    fs = FileSystem.getLocal(new Configuration());
    runs = new Path(dir.resolve("lake/_runs").toUri());
  }

  /**
   * A contender that is another run on a host of its own (so only its lease can make a lock stale;
   * the process check applies to a holder on the checker's host only).
   */
  static RunLock.Holder elsewhere(String command, Duration lease) {
    return new RunLock.Holder(java.util.UUID.randomUUID().toString(), "host-" + java.util.UUID.randomUUID(), 4242,
        "etl", command, "2026-10-31", Instant.now(), lease);
  }

  @Test
  void ofRunsStartedAtOnceExactlyOneHoldsTheLockAndTheOthersAreRefusedNamingIt() throws Exception {
    int contenders = 6;
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    try {
      for (int round = 0; round < 20; round++) {
        CyclicBarrier start = new CyclicBarrier(contenders);
        List<Future<RunLock>> attempts = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
          RunLock.Holder holder = i % 2 == 0 ? RunLock.Holder.thisProcess("nightly", "2026-10-31", LEASE)
              : elsewhere("nightly", LEASE);
          attempts.add(pool.submit(() -> {
            start.await();
            try {
              return RunLock.acquire(fs, runs, holder);
            } catch (UserError refused) {
              assertTrue(refused.getMessage().startsWith("the lake is locked by another run: nightly for 2026-10-31 (pid "),
                  refused.getMessage());
              assertTrue(refused.getMessage().contains("delete " + new Path(runs, "lock")), refused.getMessage());
              assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
              return null;
            }
          }));
        }
        List<RunLock> held = new ArrayList<>();
        for (Future<RunLock> attempt : attempts) {
          RunLock lock = attempt.get(60, TimeUnit.SECONDS);
          if (lock != null) {
            held.add(lock);
          }
        }
        assertEquals(1, held.size(), "round " + round + ": runs holding the lock at once");
        assertEquals(held.get(0).holder().token(), lockFile().get("token").asText(), "the file names the winner");
        held.get(0).close();
        assertFalse(fs.exists(new Path(runs, "lock")), "released");
        assertFalse(fs.exists(new Path(runs, "lock.heartbeat")), "heartbeat removed");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theHeartbeatKeepsALockPastItsLeaseAndClosingFreesIt() throws Exception {
    RunLock first = RunLock.acquire(fs, runs, RunLock.Holder.thisProcess("nightly", "2026-10-31", Duration.ofSeconds(1)));
    Thread.sleep(2_500);
    UserError refused = assertThrows(UserError.class, () -> RunLock.acquire(fs, runs, elsewhere("nightly", LEASE)));
    assertTrue(refused.getMessage().contains("pid " + ProcessHandle.current().pid()), refused.getMessage());
    first.close();
    try (RunLock second = RunLock.acquire(fs, runs, elsewhere("nightly", LEASE))) {
      assertTrue(second.tookOver().isEmpty(), "a released lock is taken, not taken over");
    }
  }

  @Test
  void aLockWhoseLeaseExpiredIsTakenOverSayingSo() throws Exception {
    writeLock("another-host", 4242, Instant.now().minus(Duration.ofHours(2)), LEASE);
    try (RunLock lock = RunLock.acquire(fs, runs, RunLock.Holder.thisProcess("nightly", "2026-11-01", LEASE))) {
      assertEquals(lock.holder().token(), lockFile().get("token").asText());
      String line = lock.tookOver().orElseThrow();
      assertTrue(line.contains("pid 4242 on host another-host") && line.contains("past its lease of 10 min"), line);
    }
  }

  @Test
  void anOldLockWithARecentHeartbeatIsNotTakenOver() throws Exception {
    String token = writeLock("another-host", 4242, Instant.now().minus(Duration.ofHours(2)), LEASE);
    Files.writeString(dir.resolve("lake/_runs/lock.heartbeat"),
        "{\"token\":\"" + token + "\",\"heartbeat_at\":\"" + Instant.now().minusSeconds(30) + "\"}\n");
    UserError refused = assertThrows(UserError.class,
        () -> RunLock.acquire(fs, runs, RunLock.Holder.thisProcess("nightly", "2026-11-01", LEASE)));
    assertTrue(refused.getMessage().contains("last heartbeat 30 s ago"), refused.getMessage());
    assertEquals(token, lockFile().get("token").asText(), "left as it was");
  }

  @Test
  void aLockOfAProcessGoneFromThisHostIsTakenOverAtOnce() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    RunLock.Holder me = RunLock.Holder.thisProcess("nightly", "2026-11-01", LEASE);
    writeLock(me.host(), gone.pid(), Instant.now(), LEASE);
    try (RunLock lock = RunLock.acquire(fs, runs, me)) {
      String line = lock.tookOver().orElseThrow();
      assertTrue(line.contains("its process " + gone.pid() + " is no longer alive on this host"), line);
    }
  }

  @Test
  void aRunEndedWithSigtermReleasesTheLock() throws Exception {
    Process holder = holdTheLockInAnotherJvm();
    assertTrue(fs.exists(new Path(runs, "lock")));
    holder.destroy();
    assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    assertEquals(143, holder.exitValue(), "ended by SIGTERM (128 + 15)");
    assertFalse(fs.exists(new Path(runs, "lock")), "released by the shutdown hook");
    assertFalse(fs.exists(new Path(runs, "lock.heartbeat")));
  }

  /** Starts a JVM that takes the lock under {@link #runs} and holds it until killed; returns once it holds it. */
  private Process holdTheLockInAnotherJvm() throws Exception {
    List<String> command = io.churnscope.common.testing.ChildJvm.java("256m");
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), HoldTheLock.class.getName(), runs.toString()));
    Process holder = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    String line;
    do {
      line = out.readLine();
    } while (line != null && !line.equals("held"));
    assertEquals("held", line, "the holder took the lock");
    // Keep draining its output so it never blocks on a full pipe.
    Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
    drain.setDaemon(true);
    drain.start();
    return holder;
  }

  @Test
  void aRunKilledWithSigkillDoesNotLeaveTheLakeLocked() throws Exception {
    Process holder = holdTheLockInAnotherJvm();
    UserError refused = assertThrows(UserError.class,
        () -> RunLock.acquire(fs, runs, RunLock.Holder.thisProcess("nightly", "2026-11-01", LEASE)));
    assertTrue(refused.getMessage().contains("pid " + holder.pid()), refused.getMessage());
    holder.destroyForcibly();
    assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, holder.exitValue(), "killed by SIGKILL (128 + 9), no shutdown hook ran");
    assertTrue(fs.exists(new Path(runs, "lock")), "a SIGKILL leaves the lock file behind");
    try (RunLock lock = RunLock.acquire(fs, runs, RunLock.Holder.thisProcess("nightly", "2026-11-01", LEASE))) {
      assertTrue(lock.tookOver().orElseThrow().contains("its process " + holder.pid() + " is no longer alive"),
          lock.tookOver().get());
      // What the dead run said it was doing, from its last heartbeat, for the run manifest: given once.
      io.churnscope.common.lake.Lake lake = lakeOf(runs.toString());
      RunLock.Interrupted dead = RunLock.takeInterrupted(lake).orElseThrow();
      assertEquals(HoldTheLock.RUN_ID + " " + HoldTheLock.RUN_DATE + " " + HoldTheLock.STAGE,
          dead.runId() + " " + dead.runDate() + " " + dead.stage());
      assertTrue(dead.why().contains("pid " + holder.pid()), dead.why());
      assertTrue(RunLock.takeInterrupted(lake).isEmpty(), "given once");
    }
  }

  static io.churnscope.common.lake.Lake lakeOf(String runsFolder) {
    return new io.churnscope.common.lake.Lake(runsFolder.substring(0, runsFolder.length() - "/_runs".length()));
  }

  /** Holds the lock under {@code args[0]} until killed, saying in its heartbeat that it runs {@link #STAGE}. */
  public static final class HoldTheLock {
    static final String RUN_ID = "2026-10-31@20261101T023000";
    static final java.time.LocalDate RUN_DATE = java.time.LocalDate.parse("2026-10-31");
    static final String STAGE = "cube";

    public static void main(String[] args) throws Exception {
      FileSystem fs = FileSystem.getLocal(new Configuration());
      RunLock.acquire(fs, new Path(args[0]), RunLock.Holder.thisProcess("nightly", "2026-10-31", LEASE));
      RunLock.working(lakeOf(args[0]), RUN_ID, RUN_DATE, STAGE);
      System.out.println("held");
      System.out.flush();
      Thread.sleep(600_000);
    }
  }

  private com.fasterxml.jackson.databind.JsonNode lockFile() throws Exception {
    return new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("lake/_runs/lock")));
  }

  /** A lock file as another run writes it; returns its token. */
  private String writeLock(String host, long pid, Instant startedAt, Duration lease) throws Exception {
    RunLock.Holder other = new RunLock.Holder(java.util.UUID.randomUUID().toString(), host, pid, "etl", "nightly",
        "2026-10-31", startedAt, lease);
    Files.createDirectories(dir.resolve("lake/_runs"));
    Files.write(dir.resolve("lake/_runs/lock"), other.toJson());
    return other.token();
  }
}
