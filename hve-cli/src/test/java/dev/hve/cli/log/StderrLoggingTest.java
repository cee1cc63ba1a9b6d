package dev.hve.cli.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The runner's logging: INFO and up, one line per event on stderr; a user's Logback file wins. */
class StderrLoggingTest {

    @Test
    void logbackFindsTheConfiguratorAsAService() {
        boolean found = ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
            .anyMatch(p -> p.type() == StderrLogging.class);
        assertTrue(found, "META-INF/services names StderrLogging");
    }

    @Test
    void eventsGoToStderrOneLineEach() {
        LoggerContext context = new LoggerContext();
        StderrLogging logging = new StderrLogging();
        logging.setContext(context);
        assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, logging.configure(context));

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        Appender<ILoggingEvent> appender = root.getAppender("STDERR");
        ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class, appender);
        assertEquals("System.err", console.getTarget());
        PatternLayoutEncoder encoder = assertInstanceOf(PatternLayoutEncoder.class, console.getEncoder());
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("dev.hve.platform.Uart"),
            Level.WARN, "receive buffer overrun at port {}", null, new Object[] {"0x3f8"});
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertEquals("WARN  Uart: receive buffer overrun at port 0x3f8" + System.lineSeparator(), line);
    }

    @Test
    void aConfigurationFileNamedByTheUserIsLeftToLogback() {
        String previous = System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY);
        System.setProperty(ContextInitializer.CONFIG_FILE_PROPERTY, "/etc/hve/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            StderrLogging logging = new StderrLogging();
            logging.setContext(context);
            assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, logging.configure(context));
            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertNull(root.getAppender("STDERR"));
            assertFalse(root.iteratorForAppenders().hasNext(), "nothing attached");
        } finally {
            if (previous == null) {
                System.clearProperty(ContextInitializer.CONFIG_FILE_PROPERTY);
            } else {
                System.setProperty(ContextInitializer.CONFIG_FILE_PROPERTY, previous);
            }
        }
    }
}
