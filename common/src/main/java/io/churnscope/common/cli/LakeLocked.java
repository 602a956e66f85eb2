package io.churnscope.common.cli;

import io.churnscope.common.config.RunLockSettings;
import io.churnscope.common.run.RunLock;
import io.churnscope.common.spark.Sessions;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * How a command that writes the lake holds the lake's {@link RunLock}: as a command, from before Spark
 * starts (a refused run ends at once and costs no session start); called with a session (the tests, the
 * demo), around the call. Released at the end whether the work failed or not.
 *
 * @param command what the lock says is running, e.g. {@code nightly --stages cube}
 * @param dates the run date or range the lock names
 */
public record LakeLocked<A extends JobArgs>(Function<A, String> command, Function<A, String> dates) {

  /** The locked work, given the session and the flags. */
  @FunctionalInterface
  public interface Work<A, R, E extends Exception> {
    R run(SparkSession spark, A args) throws E;
  }

  /** The command's {@code main}: {@link JobRunner#main} with the lock as its guard. */
  public void main(String name, String[] argv, A args, JobRunner.Job<A> job) throws Exception {
    JobRunner.main(name, argv, args, a -> acquire(Sessions.hadoopConfiguration(a.config()), a), job);
  }

  /** Runs {@code work} on an existing session under the lock. */
  public <R, E extends Exception> R run(SparkSession spark, A args, Work<A, R, E> work) throws E {
    try (RunLock lock = acquire(spark.sparkContext().hadoopConfiguration(), args)) {
      return work.run(spark, args);
    }
  }

  private RunLock acquire(Configuration hadoop, A args) {
    return RunLock.acquire(hadoop, args.lake(), RunLockSettings.from(args.config()), command.apply(args), dates.apply(args));
  }
}
