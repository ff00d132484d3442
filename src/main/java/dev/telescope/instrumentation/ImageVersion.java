package dev.telescope.instrumentation;

/** {@code service.version} from an image reference: {@code tag}, {@code digest} or both. */
final class ImageVersion {
  private ImageVersion() {}

  /** The tag, the digest, {@code tag@digest}, or "" when the reference has neither. */
  static String of(String image) {
    if (image == null || image.isEmpty() || !image.equals(image.trim())) {
      return "";
    }
    String digest = "";
    String rest = image;
    int at = image.indexOf('@');
    if (at >= 0) {
      digest = image.substring(at + 1);
      rest = image.substring(0, at);
    }
    String tag = "";
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
    }
    if (!digest.isEmpty()) {
      return tag.isEmpty() ? digest : tag + "@" + digest;
    }
    return tag;
  }
}
