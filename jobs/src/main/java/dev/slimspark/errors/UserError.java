package dev.slimspark.errors;

/**
 * A mistake the user can fix (bad config, missing input, wrong path). Carries three parts that the
 * CLI prints instead of a stack trace: what went wrong, why, and what to do. Create through {@link
 * UserErrors} so messages stay consistent.
 */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String problem;
  private final String cause;
  private final String fix;

  UserError(String problem, String cause, String fix) {
    super(problem + " Cause: " + cause + " Fix: " + fix);
    this.problem = problem;
    this.cause = cause;
    this.fix = fix;
  }

  public String problem() {
    return problem;
  }

  public String why() {
    return cause;
  }

  public String fix() {
    return fix;
  }

  /** The three-part message the CLI prints on stderr. */
  public String render() {
    return "error: " + problem + "\n  cause: " + cause + "\n  fix:   " + fix;
  }

  /** Finds a UserError anywhere in a cause chain (Spark wraps task failures). */
  public static UserError find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UserError) {
        return (UserError) c;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
