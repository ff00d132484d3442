/**
 * Upstream's conformance corpus as a test suite, so that "drop-in compatible" is a number.
 *
 * <p>Two layers. {@link dev.telescope.conformance.ChainsawAssert} (with {@link
 * dev.telescope.conformance.Jmes}) is chainsaw's assertion semantics over JSON trees. {@link
 * dev.telescope.conformance.ConformanceTest} reads every {@code chainsaw-test.yaml} ({@link
 * dev.telescope.conformance.ChainsawCase}) and runs it step by step ({@link
 * dev.telescope.conformance.CaseRunner}) against a {@link dev.telescope.conformance.Cluster}: today
 * the in-memory {@link dev.telescope.conformance.RenderCluster}; a cluster running the real
 * operator against fabric8's mock server implements the same interface and is selected in {@code
 * ConformanceTest.clusters()}. Known, deliberate differences and unverifiable steps are listed in
 * {@code src/test/resources/conformance/differences.yaml}.
 */
package dev.telescope.conformance;
