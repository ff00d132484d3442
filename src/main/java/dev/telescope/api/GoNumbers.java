package dev.telescope.api;

import java.math.BigDecimal;

/** Formats numbers as Go's strconv does, for text and hashes that must match upstream's. */
public final class GoNumbers {
  private GoNumbers() {}

  /**
   * Formats a float64 as Go does ({@code strconv} 'g'-like with -1 precision): plain digits within
   * [1e-6, 1e21), an exponent with at least two digits outside, as in {@code 1e+21}.
   */
  public static String goFloat(double f) {
    if (f == 0) {
      return "0";
    }
    double abs = Math.abs(f);
    BigDecimal d = new BigDecimal(Double.toString(f)).stripTrailingZeros();
    if (abs >= 1e-6 && abs < 1e21) {
      return d.toPlainString();
    }
    String unscaled = d.unscaledValue().abs().toString();
    int exponent = unscaled.length() - 1 - d.scale();
    String mantissa =
        unscaled.length() == 1 ? unscaled : unscaled.charAt(0) + "." + unscaled.substring(1);
    String exp = String.format("%02d", Math.abs(exponent));
    return (f < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
  }

  /** Go's {@code strconv.FormatFloat(f, 'g', -1, 64)}. */
  static String goShortestG(double f) {
    if (f == 0) {
      return (1 / f < 0) ? "-0" : "0";
    }
    String sign = f < 0 ? "-" : "";
    BigDecimal d = new BigDecimal(Double.toString(Math.abs(f))).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int exp = digits.length() - d.scale() - 1;
    // With the shortest representation Go switches to exponent form below 1e-4 and from 1e6 on.
    if (exp < -4 || exp >= 6) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign
          + mantissa
          + "e"
          + (exp < 0 ? "-" : "+")
          + (Math.abs(exp) < 10 ? "0" : "")
          + Math.abs(exp);
    }
    return sign + d.toPlainString();
  }
}
