package dev.telescope.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.telescope.webhook.ReviewCodec.Outcome;
import java.io.IOException;

/**
 * Turns a review body into model objects, and every way that can fail into a one-line 400 reason
 * (empty, not JSON, over Jackson's limits, nested too deep, the wrong kind or apiVersion), so the
 * codec never leaks a parser message or stack to the API server.
 */
final class ReviewJson {
  private final ObjectMapper mapper;

  ReviewJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  <T> T decode(byte[] body, Class<T> type, String kind) throws ReviewRejection {
    if (body.length == 0) {
      throw new ReviewRejection(
          400, Outcome.BAD_REQUEST, "request body is empty; expected a " + kind);
    }
    try {
      T value = mapper.readValue(body, type);
      if (value == null) {
        throw new ReviewRejection(
            400, Outcome.BAD_REQUEST, "request body is JSON null; expected a " + kind);
      }
      return value;
    } catch (MismatchedInputException e) {
      throw new ReviewRejection(
          400, Outcome.BAD_REQUEST, "request body is not a " + kind + ": " + oneLine(e));
    } catch (JsonProcessingException e) {
      StreamConstraintsException limit = limitExceeded(e);
      if (limit != null) {
        throw new ReviewRejection(
            400, Outcome.BAD_REQUEST, "request body exceeds JSON limits: " + oneLine(limit));
      }
      throw new ReviewRejection(
          400, Outcome.BAD_REQUEST, "request body is not valid JSON: " + oneLine(e));
    } catch (IOException e) {
      throw new ReviewRejection(400, Outcome.BAD_REQUEST, "request body could not be read as JSON");
    } catch (StackOverflowError e) {
      throw new ReviewRejection(400, Outcome.BAD_REQUEST, "request body is nested too deeply");
    } catch (IllegalArgumentException | IllegalStateException e) {
      // fabric8's deserializers report some malformed objects this way.
      throw new ReviewRejection(400, Outcome.BAD_REQUEST, "request body is not a " + kind);
    }
  }

  <T> T bind(JsonNode tree, Class<T> type, String kind) throws ReviewRejection {
    try {
      return mapper.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new ReviewRejection(
          400, Outcome.BAD_REQUEST, "request body is not a " + kind + ": " + oneLine(e));
    } catch (StackOverflowError e) {
      throw new ReviewRejection(400, Outcome.BAD_REQUEST, "request body is nested too deeply");
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ReviewRejection(400, Outcome.BAD_REQUEST, "request body is not a " + kind);
    }
  }

  /** A review must carry a request, and the request a uid to answer with. */
  static void checkRequest(String kind, Object request, String uid) throws ReviewRejection {
    if (request == null) {
      throw new ReviewRejection(400, Outcome.BAD_REQUEST, kind + " has no request");
    }
    if (uid == null || uid.isBlank()) {
      throw new ReviewRejection(400, Outcome.BAD_REQUEST, kind + " request has no uid");
    }
  }

  static void checkEnvelope(
      String expectedKind, String expectedApiVersion, String kind, String apiVersion)
      throws ReviewRejection {
    if (!expectedKind.equals(kind)) {
      throw new ReviewRejection(
          400,
          Outcome.BAD_REQUEST,
          "expected kind "
              + expectedKind
              + ", got "
              + (kind == null ? "none" : truncate(kind, 60)));
    }
    if (!expectedApiVersion.equals(apiVersion)) {
      throw new ReviewRejection(
          400,
          Outcome.BAD_REQUEST,
          "expected apiVersion "
              + expectedApiVersion
              + ", got "
              + (apiVersion == null ? "none" : truncate(apiVersion, 60)));
    }
  }

  private static StreamConstraintsException limitExceeded(Throwable e) {
    // Deserializers wrap the parser's limit error in a mapping exception.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamConstraintsException limit) {
        return limit;
      }
    }
    return null;
  }

  private static String oneLine(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return truncate(newline < 0 ? message : message.substring(0, newline), 200);
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    return text.replace('\n', ' ').replace('\r', ' ');
  }

  static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
