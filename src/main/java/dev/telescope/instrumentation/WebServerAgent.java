package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.InstrumentationSpec;
import dev.telescope.api.instrumentation.Languages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Apache HTTPD and Nginx: the otel-webserver-module is configured into a copy of the server's
 * configuration directory. One init container (the app's own image) copies that directory out, a
 * second (the agent image) adds the agent and the module's configuration, and the app container
 * mounts both in place of the originals.
 */
final class WebServerAgent {
  static final String AGENT_DIR = "/opt/opentelemetry-webserver/agent";
  static final String SOURCE_DIR = "/opt/opentelemetry-webserver/source-conf";
  static final String CLONE = "otel-agent-source-container-clone";
  static final String LD_LIBRARY_PATH = "LD_LIBRARY_PATH";

  private WebServerAgent() {}

  /** The server's configuration directory and the file the module is loaded from. */
  record Server(String kind, String confDir, String confFile, String version) {}

  static Server server(Language language, Languages.WebServer block) {
    if (language == Language.NGINX) {
      String file =
          block instanceof Languages.Nginx n && n.configFile != null && !n.configFile.isEmpty()
              ? n.configFile
              : "/etc/nginx/nginx.conf";
      int slash = file.lastIndexOf('/');
      String dir = slash > 0 ? file.substring(0, slash) : "/";
      return new Server("nginx", dir, file.substring(slash + 1), "");
    }
    Languages.ApacheHttpd a = block instanceof Languages.ApacheHttpd x ? x : null;
    String dir =
        a != null && a.configPath != null && !a.configPath.isEmpty()
            ? a.configPath
            : "/usr/local/apache2/conf";
    String version = a != null && a.version != null && !a.version.isEmpty() ? a.version : "2.4";
    return new Server("apache", dir, "httpd.conf", version);
  }

  /**
   * Adds the agent for one container (not an init container: a web server is never one).
   *
   * @param attributes the resource attributes the module reports (it reads no OTEL_* variables)
   */
  static void inject(
      Language language,
      InstrumentationSpec spec,
      Pod pod,
      Container app,
      String serviceName,
      Map<String, String> attributes) {
    Languages.WebServer block =
        (Languages.WebServer) (language == Language.NGINX ? spec.nginx : spec.apacheHttpd);
    Server server = server(language, block);
    String agentVolume = "otel-" + server.kind() + "-agent";
    String confVolume = "otel-" + server.kind() + "-conf-dir";
    if (language == Language.NGINX) {
      // The agent's libraries join a library path the container already sets.
      int i = app.getEnv() == null ? -1 : Env.indexOf(app.getEnv(), LD_LIBRARY_PATH);
      EnvVar own = i < 0 ? null : app.getEnv().get(i);
      if (own != null && own.getValueFrom() == null && own.getValue() != null) {
        own.setValue(own.getValue() + ":" + AGENT_DIR + "/sdk_lib/lib");
      } else {
        Env.appendIfNotSet(app, LD_LIBRARY_PATH, AGENT_DIR + "/sdk_lib/lib");
      }
    }
    Env.appendIfNotSet(app, block == null ? null : block.env);
    // The clone reads the configuration as the app would: its image, env, mounts and user.
    Container original = new ContainerBuilder(app).build();
    // Mounts inside the configuration directory would hide the instrumented clone: the clone
    // init container reads them instead.
    if (app.getVolumeMounts() != null) {
      String dir = server.confDir().endsWith("/") ? server.confDir() : server.confDir() + "/";
      app.getVolumeMounts()
          .removeIf(m -> m.getMountPath() != null && m.getMountPath().startsWith(dir));
    }
    PodParts.mount(app, agentVolume, AGENT_DIR);
    PodParts.mount(app, confVolume, server.confDir());
    if (PodParts.hasInitContainer(pod, CLONE)) {
      return;
    }
    PodParts.addVolume(pod, PodParts.agentVolume(block, agentVolume));
    PodParts.addVolume(pod, PodParts.agentVolume(block, confVolume));
    Container clone =
        new ContainerBuilder()
            .withName(CLONE)
            .withImage(original.getImage())
            .withCommand("cp", "-r", server.confDir() + "/.", SOURCE_DIR)
            .withEnv(original.getEnv())
            .withEnvFrom(original.getEnvFrom())
            .withVolumeMounts(original.getVolumeMounts())
            .withResources(block == null ? null : block.resources())
            .withSecurityContext(original.getSecurityContext())
            .withImagePullPolicy(original.getImagePullPolicy())
            .build();
    PodParts.mount(clone, confVolume, SOURCE_DIR);
    PodParts.initContainers(pod).add(clone);
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar("OTEL_WEBSERVER_SERVICE_NAME", serviceName, null));
    env.add(
        new EnvVar(
            "OTEL_WEBSERVER_ENDPOINT",
            spec.exporter == null || spec.exporter.endpoint == null ? "" : spec.exporter.endpoint,
            null));
    StringBuilder attrs = new StringBuilder();
    attributes.forEach((k, v) -> attrs.append(k).append('=').append(v).append(','));
    env.add(new EnvVar("OTEL_WEBSERVER_RESOURCE_ATTRIBUTES", attrs.toString(), null));
    if (block != null && block.attrs != null) {
      block.attrs.forEach(a -> env.add(Env.copy(a)));
    }
    Container attach =
        new ContainerBuilder()
            .withName("otel-agent-attach-" + server.kind())
            .withImage(block == null ? null : block.image)
            .withCommand("/bin/sh", "-c")
            .withArgs(attachScript(server))
            .withEnv(env)
            .withResources(block == null ? null : block.resources())
            .withImagePullPolicy(spec.imagePullPolicy)
            .build();
    PodParts.mount(attach, agentVolume, AGENT_DIR);
    PodParts.mount(attach, confVolume, SOURCE_DIR);
    PodParts.initContainers(pod).add(attach);
  }

  /**
   * Copies the agent into its volume and makes the cloned configuration load the module, with the
   * service name, endpoint and attributes from the environment above.
   */
  static String attachScript(Server server) {
    String conf = SOURCE_DIR + "/" + server.confFile();
    String module = SOURCE_DIR + "/opentelemetry_module.conf";
    if (server.kind().equals("nginx")) {
      return "cp -r /opt/opentelemetry/* "
          + AGENT_DIR
          + " && printf 'NginxModuleEnabled ON;\\nNginxModuleOtelSpanExporter otlp;\\n"
          + "NginxModuleOtelExporterEndpoint %s;\\nNginxModuleServiceName %s;\\n' "
          + "\"$OTEL_WEBSERVER_ENDPOINT\" \"$OTEL_WEBSERVER_SERVICE_NAME\" > "
          + module
          + " && sed -i '1i load_module "
          + AGENT_DIR
          + "/WebServerModule/Nginx/ngx_http_opentelemetry_module.so;' "
          + conf
          + " && sed -i 's|http *{|http {\\n include "
          + module
          + ";|' "
          + conf;
    }
    return "cp -r /opt/opentelemetry/* "
        + AGENT_DIR
        + " && printf 'Include "
        + server.confDir()
        + "/opentelemetry_module.conf\\n' >> "
        + conf
        + " && printf 'LoadFile "
        + AGENT_DIR
        + "/sdk_lib/lib/libopentelemetry_common.so\\nLoadModule otel_apache_module "
        + AGENT_DIR
        + "/WebServerModule/Apache/libmod_apache_otel"
        + (server.version().equals("2.2") ? "22" : "")
        + ".so\\nApacheModuleEnabled ON\\nApacheModuleOtelSpanExporter otlp\\n"
        + "ApacheModuleOtelExporterEndpoint %s\\nApacheModuleServiceName %s\\n' "
        + "\"$OTEL_WEBSERVER_ENDPOINT\" \"$OTEL_WEBSERVER_SERVICE_NAME\" > "
        + module;
  }
}
