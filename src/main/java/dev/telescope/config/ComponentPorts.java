package dev.telescope.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.naming.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which ports a collector component opens: the default-port table of the receivers, exporters and
 * extensions upstream knows, plus the {@code endpoint}/{@code listen_address} override rule.
 */
public final class ComponentPorts {
  /** One protocol of a receiver: its default port, transport and application protocol. */
  public record Protocol(int defaultPort, String transport, String appProtocol) {}

  private static final Pattern PORT_IN_ENDPOINT = Pattern.compile(":(\\d+)");

  /**
   * Receivers with one port per entry under {@code protocols:}. The transport is null where
   * upstream's table leaves it unset (the API server then defaults it to TCP); only jaeger names
   * it.
   */
  static final Map<String, Map<String, Protocol>> MULTI_PROTOCOL =
      Map.of(
          "otlp",
          Map.of(
              "grpc", new Protocol(4317, null, "grpc"),
              "http", new Protocol(4318, null, "http")),
          "jaeger",
          Map.of(
              "grpc", new Protocol(14250, "TCP", "grpc"),
              "thrift_http", new Protocol(14268, "TCP", "http"),
              "thrift_compact", new Protocol(6831, "UDP", null),
              "thrift_binary", new Protocol(6832, "UDP", null)),
          "skywalking",
          Map.of(
              "grpc", new Protocol(11800, null, "grpc"),
              "http", new Protocol(12800, null, "http")),
          "loki",
          Map.of(
              "grpc", new Protocol(9095, null, "grpc"),
              "http", new Protocol(3100, null, "http")));

  /**
   * Receivers with one endpoint; a default port of 0 means the port must come from the config.
   * Transports as in upstream's table (null = unset, TCP by the API server's default).
   */
  static final Map<String, Protocol> SINGLE =
      Map.ofEntries(
          Map.entry("awsxray", new Protocol(2000, "UDP", null)),
          Map.entry("carbon", new Protocol(2003, null, null)),
          Map.entry("collectd", new Protocol(8081, null, null)),
          Map.entry("fluentforward", new Protocol(8006, null, null)),
          Map.entry("influxdb", new Protocol(8086, null, null)),
          Map.entry("sapm", new Protocol(7276, null, null)),
          Map.entry("signalfx", new Protocol(9943, null, null)),
          Map.entry("splunkhec", new Protocol(8088, null, null)),
          Map.entry("statsd", new Protocol(8125, "UDP", null)),
          Map.entry("wavefront", new Protocol(2003, null, null)),
          Map.entry("zipkin", new Protocol(9411, "TCP", "http")),
          Map.entry("tcplog", new Protocol(0, "TCP", null)),
          Map.entry("udplog", new Protocol(0, "UDP", null)));

  /** Scrapers and API readers: they connect out, so an {@code endpoint} is not a listening port. */
  static final Set<String> NO_PORT =
      Set.of(
          "sshcheck",
          "cloudfoundry",
          "vcenter",
          "oracledb",
          "snmp",
          "googlecloudpubsub",
          "chrony",
          "jmx",
          "podmanstats",
          "pulsar",
          "dockerstats",
          "aerospike",
          "zookeeper",
          "prometheussimple",
          "saphana",
          "riak",
          "redis",
          "rabbitmq",
          "purefb",
          "postgresql",
          "nsxt",
          "nginx",
          "mysql",
          "memcached",
          "httpcheck",
          "haproxy",
          "flinkmetrics",
          "couchdb",
          "filelog",
          "kubeletstats",
          "k8sevents",
          "k8scluster",
          "k8sobjects",
          "hostmetrics",
          "elasticsearch",
          "mongodb",
          "mongodbatlas",
          "apache",
          "iis",
          "sqlserver",
          "receivercreator",
          "journald",
          "windowseventlog",
          "activedirectoryds",
          "bigip",
          "kafkametrics",
          "kafka",
          "otlpjsonfile",
          "awscloudwatch",
          "awscontainerinsightreceiver",
          "awsecscontainermetrics",
          "azureeventhub",
          "azuremonitor",
          "cloudflare",
          "expvar",
          "githubreceiver",
          "github",
          "googlecloudspanner",
          "sqlquery",
          "windowsperfcounters");

  /** Default port of the collector's own metrics endpoint. */
  public static final int DEFAULT_METRICS_PORT = 8888;

  /** Default health_check extension port and path. */
  public static final int DEFAULT_HEALTH_PORT = 13133;

  /** Default port of the jaeger_query extension's UI ({@code http.endpoint}). */
  public static final int DEFAULT_JAEGER_QUERY_PORT = 16686;

  private ComponentPorts() {}

  /** The component type of an id: the part before {@code /}. */
  public static String type(String id) {
    int slash = id.indexOf('/');
    return slash < 0 ? id : id.substring(0, slash);
  }

  /** A type normalised across upstream's renames ({@code kubelet_stats} = {@code kubeletstats}). */
  public static String normalType(String id) {
    return type(id).replace("_", "");
  }

  /** The protocols table of a multi-protocol receiver type, or null. */
  public static Map<String, Protocol> protocolsOf(String receiverId) {
    return MULTI_PROTOCOL.get(normalType(receiverId));
  }

  /** The single-port entry of a receiver type, or null. */
  public static Protocol singleOf(String receiverId) {
    return SINGLE.get(normalType(receiverId));
  }

  /**
   * The port written in an endpoint string: the first {@code :<digits>}, so {@code 0.0.0.0:4317},
   * {@code :4317}, {@code localhost:4317} and {@code ${env:HOST}:4317} all give 4317. As upstream,
   * a port of 0 or one that does not fit 32 bits counts as "no port written" (the default applies);
   * a number above 65535 is returned so that it can be reported.
   */
  public static OptionalInt portOf(String endpoint) {
    if (endpoint == null) {
      return OptionalInt.empty();
    }
    Matcher m = PORT_IN_ENDPOINT.matcher(endpoint);
    if (!m.find()) {
      return OptionalInt.empty();
    }
    try {
      int port = Integer.parseInt(m.group(1));
      return port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * The endpoint string of a component's settings: {@code endpoint}, else {@code listen_address}.
   */
  static String endpointOf(JsonNode settings) {
    String key = endpointKey(settings);
    return key == null ? null : settings.get(key).asText();
  }

  /** Which key holds the endpoint: a non-empty {@code endpoint}, else {@code listen_address}. */
  static String endpointKey(JsonNode settings) {
    if (settings == null || !settings.isObject()) {
      return null;
    }
    JsonNode e = settings.get("endpoint");
    if (e != null && e.isTextual() && !e.asText().isEmpty()) {
      return "endpoint";
    }
    JsonNode l = settings.get("listen_address");
    if (l != null && l.isTextual() && !l.asText().isEmpty()) {
      return "listen_address";
    }
    return null;
  }

  /** Receiver ports, in config order; problems are appended to {@code problems}. */
  static List<ComponentPort> receiver(String id, JsonNode settings, List<ConfigProblem> problems) {
    List<ComponentPort> out = new ArrayList<>();
    String path = "receivers." + id;
    String t = normalType(id);
    Map<String, Protocol> table = MULTI_PROTOCOL.get(t);
    if (table != null) {
      JsonNode protocols = settings == null ? null : settings.get("protocols");
      if (protocols == null || !protocols.isObject()) {
        return out;
      }
      var it = protocols.fields();
      while (it.hasNext()) {
        var e = it.next();
        String proto = e.getKey();
        Protocol p = table.get(proto);
        if (p == null) {
          problems.add(
              new ConfigProblem(
                  path + ".protocols." + proto,
                  "unknown protocol '" + proto + "' for receiver type " + type(id)));
          continue;
        }
        Integer port =
            portFrom(e.getValue(), p.defaultPort, path + ".protocols." + proto, problems);
        if (port != null) {
          out.add(
              new ComponentPort(
                  Names.portName(id + "-" + proto, port),
                  port,
                  p.transport,
                  p.appProtocol,
                  true,
                  id));
        }
      }
      return out;
    }
    Protocol single = SINGLE.get(t);
    if (single != null) {
      if (settings == null) {
        // Upstream decodes a null component into a nil struct and infers no port; the webhook's
        // defaulting normally replaces the null with {endpoint: 0.0.0.0:<port>} first.
        return out;
      }
      Integer port = portFrom(settings, single.defaultPort, path, problems);
      if (port != null) {
        out.add(
            new ComponentPort(
                Names.portName(id, port),
                port,
                single.transport,
                single.appProtocol,
                // tcp_log/udp_log declare no target port upstream; the others do.
                single.defaultPort > 0,
                id));
      }
      return out;
    }
    if (t.equals("prometheus")) {
      JsonNode api = settings == null ? null : settings.get("api_server");
      if (api != null && api.path("enabled").asBoolean(false)) {
        Integer port =
            portFrom(api.get("server_config"), 0, path + ".api_server.server_config", problems);
        if (port != null) {
          out.add(new ComponentPort(Names.portName(id, port), port, null, null, false, id));
        }
      }
      return out;
    }
    if (NO_PORT.contains(t)) {
      return out;
    }
    Integer port = portFrom(settings, 0, path, problems);
    if (port != null) {
      out.add(new ComponentPort(Names.portName(id, port), port, null, null, false, id));
    }
    return out;
  }

  /** Exporter ports: only the prometheus exporter listens. */
  static List<ComponentPort> exporter(String id, JsonNode settings, List<ConfigProblem> problems) {
    if (!normalType(id).equals("prometheus") || settings == null) {
      return List.of();
    }
    Integer port = portFrom(settings, DEFAULT_METRICS_PORT, "exporters." + id, problems);
    return port == null
        ? List.of()
        : List.of(new ComponentPort(Names.portName(id, port), port, null, null, false, id));
  }

  /**
   * Extension ports, as upstream's extension parsers give them: health_check ({@code endpoint},
   * 13133), healthcheckv2 ({@code http.endpoint}, 13133) and jaeger_query ({@code http.endpoint},
   * 16686, and its {@code grpc.endpoint} when that names another port). Other extensions open no
   * port we expose.
   */
  static List<ComponentPort> extension(String id, JsonNode settings, List<ConfigProblem> problems) {
    String t = normalType(id);
    if (t.equals("healthcheck")) {
      Integer port = portFrom(settings, DEFAULT_HEALTH_PORT, "extensions." + id, problems);
      return port == null
          ? List.of()
          : List.of(new ComponentPort(Names.portName(id, port), port, null, null, false, id));
    }
    if (t.equals("healthcheckv2")) {
      JsonNode http = settings == null ? null : settings.get("http");
      Integer port = portFrom(http, DEFAULT_HEALTH_PORT, "extensions." + id + ".http", problems);
      return port == null
          ? List.of()
          : List.of(new ComponentPort(Names.portName(id, port), port, null, null, false, id));
    }
    if (t.equals("jaegerquery")) {
      if (settings == null) {
        return List.of();
      }
      List<ComponentPort> out = new ArrayList<>();
      Integer http =
          portFrom(
              settings.get("http"),
              DEFAULT_JAEGER_QUERY_PORT,
              "extensions." + id + ".http",
              problems);
      if (http != null) {
        out.add(new ComponentPort(Names.portName(id, http), http, null, null, true, id));
      }
      Integer grpc = portFrom(settings.get("grpc"), 0, "extensions." + id + ".grpc", problems);
      if (grpc != null && !grpc.equals(http)) {
        // Upstream numbers the extension's second endpoint: jaeger-query-2.
        out.add(new ComponentPort(Names.portName(id + "-2", grpc), grpc, null, null, true, id));
      }
      return out;
    }
    return List.of();
  }

  /** The port from an endpoint, the default when none is written, or null (with a problem). */
  static Integer portFrom(
      JsonNode settings, int defaultPort, String path, List<ConfigProblem> out) {
    String key = endpointKey(settings);
    OptionalInt p = portOf(key == null ? null : settings.get(key).asText());
    if (p.isEmpty()) {
      return defaultPort > 0 ? defaultPort : null;
    }
    int port = p.getAsInt();
    if (port > 65535) {
      out.add(
          new ConfigProblem(
              path + "." + key, "port " + port + " is not a valid port number (1-65535)"));
      return null;
    }
    return port;
  }
}
