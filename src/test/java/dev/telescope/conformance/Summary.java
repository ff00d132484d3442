package dev.telescope.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The conformance totals and the per-step report, collected as the dynamic tests run. */
final class Summary {
  private record Golden(String id, List<String> problems) {}

  private record Row(
      ChainsawCase test,
      CaseRunner.StepResult result,
      Differences.Entry difference,
      Differences.Entry skip) {
    String verdict() {
      if (skip != null) {
        return "SKIPPED (listed)";
      }
      if (difference != null) {
        return result.outcome() == CaseRunner.Outcome.PASS ? "STALE DIFFERENCE" : "DIFFERENCE";
      }
      return result.outcome().name();
    }

    boolean checked() {
      return skip == null
          && result.outcome() != CaseRunner.Outcome.SKIPPED
          && result.outcome() != CaseRunner.Outcome.SETUP;
    }

    boolean passed() {
      return difference == null && skip == null && result.outcome() == CaseRunner.Outcome.PASS;
    }
  }

  private final String cluster;
  private final List<Golden> golden = new ArrayList<>();
  private final Map<String, List<Row>> rows = new LinkedHashMap<>();

  /**
   * @param cluster the cluster implementation the e2e rows ran on ({@code render}, {@code mock})
   */
  Summary(String cluster) {
    this.cluster = cluster;
  }

  synchronized void golden(String id, List<String> problems) {
    golden.add(new Golden(id, problems));
  }

  synchronized void step(
      ChainsawCase test,
      CaseRunner.StepResult result,
      Differences.Entry difference,
      Differences.Entry skip) {
    rows.computeIfAbsent(test.id(), k -> new ArrayList<>())
        .add(new Row(test, result, difference, skip));
  }

  synchronized String line() {
    long goldenOk = golden.stream().filter(g -> g.problems().isEmpty()).count();
    int checked = 0;
    int passed = 0;
    int differences = 0;
    int skipped = 0;
    int pending = 0;
    int casesChecked = 0;
    int casesPassed = 0;
    for (List<Row> steps : rows.values()) {
      boolean anyChecked = false;
      boolean allPassed = true;
      for (Row r : steps) {
        if (r.checked()) {
          checked++;
          anyChecked = true;
          allPassed &= r.passed();
          passed += r.passed() ? 1 : 0;
        }
        if (r.difference() != null && r.skip() == null) {
          differences++;
        }
        if (r.skip() != null || r.result().outcome() == CaseRunner.Outcome.SKIPPED) {
          skipped++;
        }
        if (r.result().outcome() == CaseRunner.Outcome.PENDING && r.difference() == null) {
          pending++;
        }
      }
      if (anyChecked) {
        casesChecked++;
        casesPassed += allPassed ? 1 : 0;
      }
    }
    return String.format(
        "conformance[%s]: golden %d/%d, e2e steps %d/%d passed (cases %d/%d), %d deliberate"
            + " differences, %d skipped (script/needs pods), %d pending conversion",
        cluster,
        goldenOk,
        golden.size(),
        passed,
        checked,
        casesPassed,
        casesChecked,
        differences,
        skipped,
        pending);
  }

  synchronized String report() {
    StringBuilder b = new StringBuilder(line()).append("\n\n");
    for (Golden g : golden) {
      b.append(g.problems().isEmpty() ? "PASS  " : "FAIL  ").append(g.id()).append('\n');
      for (String p : g.problems()) {
        b.append("        ").append(p).append('\n');
      }
    }
    for (Map.Entry<String, List<Row>> e : rows.entrySet()) {
      b.append('\n').append(e.getKey()).append('\n');
      for (Row r : e.getValue()) {
        b.append(String.format("  %-18s %s%n", r.verdict(), r.result().step()));
        if (r.difference() != null) {
          b.append("      reason: ").append(r.difference().reason()).append('\n');
        }
        if (r.skip() != null) {
          b.append("      reason: ").append(r.skip().reason()).append('\n');
        }
        for (String m : r.result().messages()) {
          b.append("      ! ").append(m).append('\n');
        }
        for (String n : r.result().notes()) {
          b.append("      - ").append(n).append('\n');
        }
      }
    }
    return b.toString();
  }
}
