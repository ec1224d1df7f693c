package dev.berth.ui;

/** A page that cannot be shown, with the status and the sentence the error page gives. */
final class UiProblem extends RuntimeException {
  private final int status;

  UiProblem(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
