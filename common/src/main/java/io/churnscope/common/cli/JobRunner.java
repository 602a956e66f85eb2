package io.churnscope.common.cli;

import io.churnscope.common.UserError;
import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.spark.Sessions;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin {@code main} every job shares: parse the flags, validate, build the session, run, stop.
 *
 * <p>A {@link UserError} or a bad flag prints one line, {@code churnscope <command>: <what to fix>},
 * and exits with status 2. Any other failure propagates, so spark-submit reports it and exits
 * non-zero; a failed run has published nothing (every table write is one atomic Delta commit).
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  /** What a job does once its flags are parsed and its session exists. */
  @FunctionalInterface
  public interface Job<A extends JobArgs> {
    void run(SparkSession spark, A args) throws Exception;
  }

  /** What a job holds from before its session starts until after it stops (the lake's run lock). */
  @FunctionalInterface
  public interface Guard<A extends JobArgs> {
    AutoCloseable open(A args) throws Exception;
  }

  private JobRunner() {}

  public static <A extends JobArgs> void main(String command, String[] argv, A args, Job<A> job)
      throws Exception {
    main(command, argv, args, a -> () -> { }, job);
  }

  /**
   * Like {@link #main(String, String[], JobArgs, Job)}, with {@code guard} opened once the flags are
   * valid and before Spark starts: a run it refuses (a {@link UserError}) costs no session start.
   */
  public static <A extends JobArgs> void main(String command, String[] argv, A args, Guard<A> guard, Job<A> job)
      throws Exception {
    if (!parse(command, argv, args)) {
      return;
    }
    Lake lake = args.lakeIfGiven();
    if (lake != null) {
      RunLog.routeTo(lake, command, args.verbose).ifPresent(file ->
          LOG.info("{}: Spark's, Delta's and Hive's messages go to {}{}", command, file,
              args.verbose ? "" : " (--verbose shows them here too)"));
    }
    AutoCloseable held;
    try {
      held = guard.open(args);
    } catch (UserError e) {
      exitWithUserError(command, e);
      return;
    }
    try (held) {
      SparkSession spark = Sessions.create("churnscope " + command, args.config(), lake);
      try {
        job.run(spark, args);
      } catch (UserError e) {
        exitWithUserError(command, e);
      } finally {
        spark.stop();
      }
    }
  }

  /**
   * Parses and validates; prints usage and returns false for {@code --help}. Exits with status 2
   * on a bad flag or configuration value.
   */
  public static <A extends JobArgs> boolean parse(String command, String[] argv, A args) {
    JCommander commander = JCommander.newBuilder().programName("churnscope " + command).addObject(args).build();
    try {
      commander.parse(argv);
      if (args.help) {
        commander.usage();
        return false;
      }
      args.validate();
      return true;
    } catch (ParameterException e) {
      exitWithUserError(command, new UserError(e.getMessage() + " (see churnscope " + command + " --help)"));
    } catch (UserError e) {
      exitWithUserError(command, e);
    }
    return false;
  }

  private static void exitWithUserError(String command, UserError e) {
    System.err.println("churnscope " + command + ": " + e.getMessage());
    System.exit(2);
  }
}
