package dev.telescope.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An slf4j logger that asks {@link LogOutput} whether a level is on and hands it each line. */
final class LineLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  LineLogger(String name) {
    this.name = name;
  }

  @Override
  public boolean isTraceEnabled() {
    return LogOutput.enabled(name, Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return LogOutput.enabled(name, Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return LogOutput.enabled(name, Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return LogOutput.enabled(name, Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return LogOutput.enabled(name, Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] args, Throwable throwable) {
    LogOutput.write(name, level, MessageFormatter.basicArrayFormat(pattern, args), throwable);
  }
}
