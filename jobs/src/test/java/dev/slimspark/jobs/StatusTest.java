package dev.slimspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimspark.Stages;
import dev.slimspark.TestSpark;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The statuses keep the exact strings that summary lines and the runs table have always carried.
 */
class StatusTest {
  @Test
  void jsonStringsAreTheDocumentedOnes() {
    Map<Status, String> expected = new LinkedHashMap<>();
    expected.put(Status.OK, "ok");
    expected.put(Status.ERROR, "error");
    expected.put(Status.FAILED_ON_QUARANTINE, "failed_on_quarantine");
    expected.put(Status.CHECK_FAILED, "check_failed");
    expected.put(Status.UP_TO_DATE, "up to date");
    expected.put(Status.SKIPPED, "skipped");
    expected.put(Status.FAILED, "failed");
    assertEquals(
        expected.keySet().size(), Status.values().length, "a new status needs its string here");
    expected.forEach((s, json) -> assertEquals(json, s.json(), s.name()));
  }

  @Test
  void summaryLinesCarryTheStatusString() throws Exception {
    RunContext ctx =
        new RunContext(
            TestSpark.session(), Stages.config("lake=" + Stages.q(TestSpark.newDir("status"))));
    JobSummary s = new JobSummary("run", ctx);
    assertTrue(s.ok());
    s.status(Status.UP_TO_DATE);
    assertFalse(s.ok());
    ObjectMapper json = new ObjectMapper();
    assertEquals("up to date", json.readTree(s.toJson()).get("status").asText());
    // Also when a status reaches Jackson as a value of its own (a "brief" map of the run line).
    assertEquals("\"up to date\"", JobSummary.toJson(Status.UP_TO_DATE));
  }
}
