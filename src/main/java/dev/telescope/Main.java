package dev.telescope;

public final class Main {
  public static void main(String[] args) {}
}
