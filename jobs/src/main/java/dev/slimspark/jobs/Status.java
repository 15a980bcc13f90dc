package dev.slimspark.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a job ended, as its summary line and the {@code runs} table say it. {@link #json()} is the
 * exact string written there; scripts and {@code bin/slimspark run}'s resume decision read it.
 */
public enum Status {
  /** The job ran and every check passed. */
  OK("ok"),
  /** The job ran, but its counts do not reconcile (or a row failed); exit 3. */
  ERROR("error"),
  /** Ingest ran with {@code ingest.fail_on_quarantine} and quarantined lines; exit 3. */
  FAILED_ON_QUARANTINE("failed_on_quarantine"),
  /** The job ran but failed a check ({@link JobSummary#failCheck}); exit 3. */
  CHECK_FAILED("check_failed"),
  /** {@code run} skipped the stage: its outputs are committed for this config and input. */
  UP_TO_DATE("up to date"),
  /**
   * The stage had nothing to do by configuration (decontaminate with no eval sets): it read and
   * wrote nothing; exit 0, and {@code run} goes on as after ok.
   */
  SKIPPED("skipped"),
  /** A multi-stage command ({@code run}, {@code demo}) stopped at a stage that did not end ok. */
  FAILED("failed");

  private final String json;

  Status(String json) {
    this.json = json;
  }

  /** The string in the summary line's {@code status} field and the runs table's status column. */
  @JsonValue
  public String json() {
    return json;
  }

  @Override
  public String toString() {
    return json;
  }
}
