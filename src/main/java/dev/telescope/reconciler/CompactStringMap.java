package dev.telescope.reconciler;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable, insertion-ordered string map in one array: labels and selectors held by an informer
 * cache take a third of the memory of the {@code LinkedHashMap} they decode to (which spends a
 * table, an entry per pair and a cached entry set), and reading them stays as cheap for the few
 * keys they have. Any attempt to change it throws {@link UnsupportedOperationException}.
 */
final class CompactStringMap extends AbstractMap<String, String> {
  /** Longer maps stay hash maps: a linear lookup would be too slow. */
  static final int MAX_SIZE = 16;

  private final String[] pairs;
  private int hash;

  private CompactStringMap(String[] pairs) {
    this.pairs = pairs;
  }

  /** A compact copy of {@code m}, or null when it is too large. */
  static Map<String, String> of(Map<String, String> m) {
    if (m.size() > MAX_SIZE) {
      return null;
    }
    String[] pairs = new String[m.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : m.entrySet()) {
      pairs[i++] = e.getKey();
      pairs[i++] = e.getValue();
    }
    return new CompactStringMap(pairs);
  }

  @Override
  public int size() {
    return pairs.length / 2;
  }

  private int indexOf(Object key) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public String get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : pairs[i + 1];
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      for (int i = 0; i < pairs.length; i += 2) {
        h += pairs[i].hashCode() ^ (pairs[i + 1] == null ? 0 : pairs[i + 1].hashCode());
      }
      hash = h;
    }
    return h;
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return pairs.length / 2;
      }

      @Override
      public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < pairs.length;
          }

          @Override
          public Map.Entry<String, String> next() {
            if (next >= pairs.length) {
              throw new NoSuchElementException();
            }
            var e = new AbstractMap.SimpleImmutableEntry<>(pairs[next], pairs[next + 1]);
            next += 2;
            return e;
          }
        };
      }
    };
  }
}
