package dev.telescope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between our packages point one way (api <- naming <- settings <- config <- manifests
 * <- reconciler/webhook), and the pure layers stay free of the Kubernetes client and JOSDK, so that
 * they can be tested without a cluster. Checked on the compiled classes with ArchUnit.
 */
class LayeringTest {
  /** For each layer, the other layers under the root it may use (others are unrestricted). */
  static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "api", Set.of(),
          "naming", Set.of("api"),
          "settings", Set.of("api", "naming"),
          "config", Set.of("api", "naming", "settings"));

  /** Layers that must not touch the client (beyond the CR base class) or JOSDK. */
  static final List<String> PURE = List.of("api", "naming", "settings", "config", "manifests");

  static final String CUSTOM_RESOURCE = "io.fabric8.kubernetes.client.CustomResource";

  @Test
  void layersOnlyDependDownwards() {
    JavaClasses product =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.telescope");
    assertThat(product.size()).isGreaterThan(100);
    assertThat(violations(rules("dev.telescope"), product)).isEmpty();
  }

  @Test
  void checkerFindsViolations() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.telescope.layeringfixture");
    List<String> found = violations(rules("dev.telescope.layeringfixture"), fixture);
    // api uses webhook; manifests uses the client; webhook uses manifests (allowed).
    assertThat(found)
        .anyMatch(v -> v.contains("layeringfixture.api.UsesWebhook"))
        .anyMatch(v -> v.contains("layeringfixture.manifests.UsesClient"))
        .noneMatch(v -> v.matches("^\\w+ <dev\\.telescope\\.layeringfixture\\.webhook\\..*"));
  }

  static List<ArchRule> rules(String root) {
    List<ArchRule> rules = new ArrayList<>();
    for (var e : ALLOWED.entrySet()) {
      String layer = e.getKey();
      rules.add(
          noClasses()
              .that()
              .resideInAPackage(root + "." + layer + "..")
              .should()
              .dependOnClassesThat(otherLayerThan(root, layer, e.getValue()))
              .as(layer + " may only use " + e.getValue()));
    }
    rules.add(
        noClasses()
            .that()
            .resideInAPackage(root + ".manifests..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(root + ".reconciler..", root + ".webhook..")
            .as("manifests must not use the reconciler or the webhook"));
    rules.add(
        noClasses()
            .that()
            .resideInAPackage(root + ".webhook..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(root + ".reconciler..")
            .as("the webhook must not use the reconciler"));
    rules.add(
        noClasses()
            .that()
            .resideInAPackage(root + ".reconciler..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(root + ".webhook..")
            .as("the reconciler must not use the webhook"));
    for (String layer : PURE) {
      rules.add(
          noClasses()
              .that()
              .resideInAPackage(root + "." + layer + "..")
              .should()
              .dependOnClassesThat(clientOrJosdk())
              .as(layer + " must stay free of the Kubernetes client and JOSDK"));
    }
    return rules;
  }

  private static DescribedPredicate<JavaClass> otherLayerThan(
      String root, String layer, Set<String> allowed) {
    return DescribedPredicate.describe(
        "a layer other than " + layer + " and " + allowed,
        c -> {
          String pkg = c.getPackageName();
          if (!pkg.startsWith(root + ".")) {
            return false;
          }
          String first = pkg.substring(root.length() + 1).split("\\.")[0];
          return !first.equals(layer) && !allowed.contains(first);
        });
  }

  private static DescribedPredicate<JavaClass> clientOrJosdk() {
    return DescribedPredicate.describe(
        "the Kubernetes client (but CustomResource) or JOSDK",
        c ->
            (c.getPackageName().startsWith("io.fabric8.kubernetes.client")
                    && !c.getName().equals(CUSTOM_RESOURCE))
                || c.getPackageName().startsWith("io.javaoperatorsdk"));
  }

  private static List<String> violations(List<ArchRule> rules, JavaClasses classes) {
    List<String> out = new ArrayList<>();
    for (ArchRule rule : rules) {
      EvaluationResult result = rule.allowEmptyShould(true).evaluate(classes);
      out.addAll(result.getFailureReport().getDetails());
    }
    return out;
  }
}
