package dev.slimspark.jobs;

/**
 * One pipeline stage (ingest, filter, dedup, ...). A stage reads its inputs from the lake, writes
 * its Delta tables, and fills a {@link JobSummary}; the CLI prints and records the summary.
 */
public interface Stage {
  /** The command name, e.g. "ingest". */
  String name();

  /** One line for --help. */
  String description();

  /** Config key prefixes this stage reads (for --help). */
  String[] configPrefixes();

  /** Runs the stage. User mistakes surface as {@link dev.slimspark.errors.UserError}. */
  JobSummary run(RunContext ctx);
}
