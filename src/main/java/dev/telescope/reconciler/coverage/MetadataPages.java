package dev.telescope.reconciler.coverage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Lists objects as metadata only ({@code PartialObjectMetadataList}) one page at a time, streaming
 * each page, so that looking at every pod of a namespace costs one page of memory and no spec or
 * status bytes. fabric8 7.5 has no DSL for this content negotiation, so the request goes through
 * the client's own HTTP client (same authentication, same TLS) with the Accept header set.
 */
final class MetadataPages {
  static final String LIST_ACCEPT =
      "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
  static final String ONE_ACCEPT =
      "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final int pageSize;
  private final Duration timeout;
  private final LongAdder requests = new LongAdder();

  MetadataPages(KubernetesClient client, int pageSize, Duration timeout) {
    this.client = client;
    this.pageSize = pageSize;
    this.timeout = timeout;
  }

  /** Requests sent to the API server so far. */
  long requests() {
    return requests.sum();
  }

  /**
   * Hands every item's {@code metadata} of a list to {@code each}, page by page.
   *
   * @param path the list path, e.g. {@code /api/v1/namespaces/apps/pods}
   * @return the number of items
   */
  int list(String path, Consumer<JsonNode> each) {
    String cont = null;
    int items = 0;
    do {
      String uri =
          base()
              + path
              + "?limit="
              + pageSize
              + (cont == null
                  ? ""
                  : "&continue=" + URLEncoder.encode(cont, StandardCharsets.UTF_8));
      Page page = get(uri, LIST_ACCEPT, in -> page(in, each));
      if (page == null) {
        return items;
      }
      items += page.items();
      cont = page.cont();
    } while (cont != null && !cont.isEmpty());
    return items;
  }

  /** One object's metadata; null when it does not exist. */
  JsonNode one(String path) {
    JsonNode tree = get(base() + path, ONE_ACCEPT, JSON::readTree);
    return tree == null ? null : tree.path("metadata");
  }

  private String base() {
    String master = client.getMasterUrl().toString();
    return master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
  }

  private interface Body<T> {
    T read(InputStream in) throws IOException;
  }

  private <T> T get(String uri, String accept, Body<T> body) {
    HttpRequest request =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(uri)
            .header("Accept", accept)
            .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .build();
    requests.increment();
    HttpResponse<InputStream> response;
    try {
      response =
          client
              .getHttpClient()
              .sendAsync(request, InputStream.class)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted", e);
    }
    try (InputStream in = response.body()) {
      if (response.code() == 404) {
        return null;
      }
      if (!response.isSuccessful()) {
        throw new KubernetesClientException(
            "GET " + uri + " answered HTTP " + response.code(), response.code(), null);
      }
      return body.read(in);
    } catch (IOException e) {
      throw new KubernetesClientException("GET " + uri + " could not be read: " + e, e);
    }
  }

  private record Page(int items, String cont) {}

  /** Streams {@code items[*].metadata} and {@code metadata.continue} out of one list page. */
  private static Page page(InputStream in, Consumer<JsonNode> each) throws IOException {
    int items = 0;
    String cont = null;
    try (JsonParser p = JSON.getFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a list page is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("items".equals(field) && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            JsonNode item = p.readValueAsTree();
            each.accept(item.path("metadata"));
            items++;
          }
        } else if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
          JsonNode meta = p.readValueAsTree();
          cont = meta.path("continue").asText(null);
        } else {
          p.skipChildren();
        }
      }
    }
    return new Page(items, cont);
  }
}
