package io.fleetlearn.app;

public final class Main {
  public static void main(String[] args) {}
}
