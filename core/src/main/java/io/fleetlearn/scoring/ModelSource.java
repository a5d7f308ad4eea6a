package io.fleetlearn.scoring;

/** Which model scored an event: the machine's own champion, or the fleet model. */
public enum ModelSource {
  MACHINE,
  FLEET
}
