package dev.slimspark.jobs.filter;

import dev.slimspark.cli.Main;

/** spark-submit entry point for the filter stage: same arguments as {@code slimspark filter}. */
public final class FilterJob {
  private FilterJob() {}

  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "filter";
    System.arraycopy(args, 0, all, 1, args.length);
    System.exit(Main.run(all));
  }
}
