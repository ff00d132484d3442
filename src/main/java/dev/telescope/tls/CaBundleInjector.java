package dev.telescope.tls;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a CA bundle into the {@code caBundle} of the two webhook configurations and of the CRD's
 * conversion webhook, apart from where the CA comes from, so the Secret lifecycle and the injection
 * can change (and be tested) independently.
 *
 * <p>Each target is read first and JSON-patched only where its value differs, with a {@code test}
 * operation guarding against a concurrent reorder; absent targets are skipped and logged once.
 */
public final class CaBundleInjector {

  private static final Logger LOG = LoggerFactory.getLogger(CaBundleInjector.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String mutatingName;
  private final String validatingName;
  private final String crdName;
  private final Set<String> reportedMissing = ConcurrentHashMap.newKeySet();

  /**
   * @param client client for the targets
   * @param mutatingName MutatingWebhookConfiguration to inject into; null or empty to skip
   * @param validatingName ValidatingWebhookConfiguration to inject into; null or empty to skip
   * @param crdName CRD whose conversion webhook to inject into; null or empty to skip
   */
  public CaBundleInjector(
      KubernetesClient client, String mutatingName, String validatingName, String crdName) {
    this.client = client;
    this.mutatingName = mutatingName;
    this.validatingName = validatingName;
    this.crdName = crdName;
  }

  /**
   * Sets {@code caBundle} on every webhook of the mutating and validating configurations and on the
   * CRD's conversion webhook, patching only objects whose value differs. Objects that do not exist
   * are skipped with a log line.
   *
   * @param caPem the PEM CA bundle
   * @return the patched objects as {@code Kind/name}
   * @throws IllegalStateException naming every object that could not be read or patched
   */
  public List<String> inject(String caPem) {
    String bundle = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
    List<String> patched = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    attempt(
        "MutatingWebhookConfiguration",
        mutatingName,
        () -> injectMutating(bundle),
        patched,
        failures);
    attempt(
        "ValidatingWebhookConfiguration",
        validatingName,
        () -> injectValidating(bundle),
        patched,
        failures);
    attempt("CustomResourceDefinition", crdName, () -> injectCrd(bundle), patched, failures);
    if (!failures.isEmpty()) {
      throw new IllegalStateException("caBundle injection failed: " + String.join("; ", failures));
    }
    return patched;
  }

  private interface Injection {
    boolean run();
  }

  private void attempt(
      String kind, String name, Injection injection, List<String> patched, List<String> failures) {
    if (name == null || name.isEmpty()) {
      return;
    }
    try {
      if (injection.run()) {
        patched.add(kind + "/" + name);
        LOG.info("Injected the CA bundle into {} {}", kind, name);
      }
    } catch (KubernetesClientException e) {
      failures.add(kind + " " + name + ": " + e.getMessage());
    }
  }

  private boolean injectMutating(String bundle) {
    String name = mutatingName;
    var resource =
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name);
    MutatingWebhookConfiguration config = resource.get();
    if (missing(config == null, "MutatingWebhookConfiguration", name)) {
      return false;
    }
    List<MutatingWebhook> hooks = config.getWebhooks() == null ? List.of() : config.getWebhooks();
    return patchWebhooks(
        resource,
        hooks.stream().map(MutatingWebhook::getName).toList(),
        hooks.stream().map(MutatingWebhook::getClientConfig).toList(),
        bundle);
  }

  private boolean injectValidating(String bundle) {
    String name = validatingName;
    var resource =
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name);
    ValidatingWebhookConfiguration config = resource.get();
    if (missing(config == null, "ValidatingWebhookConfiguration", name)) {
      return false;
    }
    List<ValidatingWebhook> hooks = config.getWebhooks() == null ? List.of() : config.getWebhooks();
    return patchWebhooks(
        resource,
        hooks.stream().map(ValidatingWebhook::getName).toList(),
        hooks.stream().map(ValidatingWebhook::getClientConfig).toList(),
        bundle);
  }

  /** JSON-patches the CA bundle into the named webhooks; false when every one already has it. */
  private boolean patchWebhooks(
      io.fabric8.kubernetes.client.dsl.Resource<?> resource,
      List<String> names,
      List<WebhookClientConfig> clientConfigs,
      String bundle) {
    ArrayNode patch = webhookPatch(names, clientConfigs, bundle);
    if (patch.isEmpty()) {
      return false;
    }
    resource.patch(PatchContext.of(PatchType.JSON), patch.toString());
    return true;
  }

  private boolean injectCrd(String bundle) {
    String name = crdName;
    var resource = client.apiextensions().v1().customResourceDefinitions().withName(name);
    CustomResourceDefinition crd = resource.get();
    if (missing(crd == null, "CustomResourceDefinition", name)) {
      return false;
    }
    CustomResourceConversion conversion =
        crd.getSpec() == null ? null : crd.getSpec().getConversion();
    if (conversion == null
        || !"Webhook".equals(conversion.getStrategy())
        || conversion.getWebhook() == null
        || conversion.getWebhook().getClientConfig() == null) {
      // Adding a clientConfig would switch the CRD to webhook conversion; that is the installer's
      // decision, not ours.
      if (reportedMissing.add("crd-no-webhook/" + name)) {
        LOG.info(
            "CustomResourceDefinition {} does not use a conversion webhook; no caBundle injected",
            name);
      }
      return false;
    }
    if (bundle.equals(conversion.getWebhook().getClientConfig().getCaBundle())) {
      return false;
    }
    ArrayNode patch = JSON.createArrayNode();
    patch
        .addObject()
        .put("op", "test")
        .put("path", "/spec/conversion/strategy")
        .put("value", "Webhook");
    patch
        .addObject()
        .put("op", "add")
        .put("path", "/spec/conversion/webhook/clientConfig/caBundle")
        .put("value", bundle);
    resource.patch(PatchContext.of(PatchType.JSON), patch.toString());
    return true;
  }

  private boolean missing(boolean absent, String kind, String name) {
    String key = kind + "/" + name;
    if (absent) {
      if (reportedMissing.add(key)) {
        LOG.info("{} {} does not exist; skipping caBundle injection", kind, name);
      }
      return true;
    }
    reportedMissing.remove(key);
    return false;
  }

  private static ArrayNode webhookPatch(
      List<String> names, List<WebhookClientConfig> clientConfigs, String bundle) {
    ArrayNode patch = JSON.createArrayNode();
    for (int i = 0; i < names.size(); i++) {
      WebhookClientConfig clientConfig = clientConfigs.get(i);
      if (clientConfig != null && bundle.equals(clientConfig.getCaBundle())) {
        continue;
      }
      // The test guards against the list being reordered between our read and this patch.
      ObjectNode test = patch.addObject().put("op", "test").put("path", "/webhooks/" + i + "/name");
      test.put("value", names.get(i));
      ObjectNode add = patch.addObject().put("op", "add");
      if (clientConfig == null) {
        add.put("path", "/webhooks/" + i + "/clientConfig");
        add.putObject("value").put("caBundle", bundle);
      } else {
        add.put("path", "/webhooks/" + i + "/clientConfig/caBundle").put("value", bundle);
      }
    }
    return patch;
  }
}
