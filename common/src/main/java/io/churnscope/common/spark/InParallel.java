package io.churnscope.common.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs a few independent driver-side tasks at once — each a handful of small Spark jobs or Delta
 * queries whose time is mostly the driver's planning and commits, so one at a time leaves the cores
 * idle. The threads are created per call, so they carry the caller's Spark job group and description
 * (Spark copies a thread's local properties to the threads it creates): their jobs are counted
 * with the caller's stage.
 */
public final class InParallel {
  private InParallel() {}

  /** {@code task} applied to every item on up to {@code threads} threads; the results in the items' order. */
  public static <T, R> List<R> map(List<T> items, int threads, Function<T, R> task) {
    if (items.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()));
    try {
      List<Future<R>> running = new ArrayList<>();
      for (T item : items) {
        running.add(pool.submit(() -> task.apply(item)));
      }
      List<R> out = new ArrayList<>();
      for (Future<R> result : running) {
        out.add(result.get());
      }
      return out;
    } catch (ExecutionException e) {
      // The first failure, as the caller would have seen it running the tasks one by one.
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
