/**
 * Upstream's conformance corpus as a test suite, so that "drop-in compatible" is a number.
 *
 * <p>Two layers. {@link dev.telescope.conformance.ChainsawAssert} (with {@link
 * dev.telescope.conformance.Jmes}) is chainsaw's assertion semantics over JSON trees. {@link
 * dev.telescope.conformance.ConformanceTest} reads every {@code chainsaw-test.yaml} ({@link
 * dev.telescope.conformance.ChainsawCase}) and runs it step by step ({@link
 * dev.telescope.conformance.CaseRunner}) against each {@link dev.telescope.conformance.Cluster}:
 * the in-memory {@link dev.telescope.conformance.RenderCluster} (renderer plus emulated reconciler,
 * a fast pre-check) and {@link dev.telescope.conformance.MockApiCluster} (the real reconciler and
 * admission handlers against fabric8's mock API server), selected in {@code
 * ConformanceTest.clusterNames()}. Known, deliberate differences and unverifiable steps are listed
 * in {@code src/test/resources/conformance/differences.yaml}, per cluster where they differ.
 */
package dev.telescope.conformance;
