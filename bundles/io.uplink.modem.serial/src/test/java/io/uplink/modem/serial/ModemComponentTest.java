package io.uplink.modem.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.uplink.modem.AtChannel;
import io.uplink.modem.Modem;
import io.uplink.modem.ModemDialect;
import io.uplink.modem.ModemException;
import io.uplink.modem.ModemIdentity;
import io.uplink.modem.ModemSettings;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;

/**
 * The modem supervisor on a real port (jSerialComm on a socat pty), without a framework: its DS collaborators are
 * plain objects here. It must outlive every failure of an attempt and attach again once the modem behaves.
 */
class ModemComponentTest {

    @TempDir
    Path dir;
    private PtyPair pty;
    private ScriptedModem modem;
    private ModemComponent component;
    private final SupervisedModem.Factory factory = new SupervisedModem.Factory();
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private Thread.UncaughtExceptionHandler previousHandler;

    @BeforeEach
    void open() throws Exception {
        pty = new PtyPair(dir);
        modem = new ScriptedModem(pty.modemLink(), ScriptedModem::wellBehaved);
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    }

    @AfterEach
    void close() throws Exception {
        if (component != null) {
            component.deactivate();
        }
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        modem.close();
        pty.close();
    }

    private void start(ModemDialect dialect) {
        component = new ModemComponent(SupervisedModem.config(pty.gatewayEnd.toString()), Map.of(Constants.SERVICE_PID,
                "io.uplink.modem.test"), factory);
        component.addDialect(dialect);
    }

    @Test
    void anErrorInAnAttemptIsSurvivedAndTheModemAttachedAgain() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        start(new Dialect(at -> {
            if (attempts.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Java heap space (simulated)");
            }
            return new FakeModem(Optional.empty());
        }));
        assertThat(factory.published.tryAcquire(60, TimeUnit.SECONDS)).as("attached after the Error").isTrue();
        assertThat(attempts).hasValue(2);
        assertThat(uncaught).isEmpty();
    }

    @Test
    void aModemFloodingEndlessLinesIsAttachedOnceTheLineBehaves() throws Exception {
        byte[] line = new byte[4002];
        Arrays.fill(line, (byte) 'X');
        line[4000] = '\r';
        line[4001] = '\n';
        AtomicInteger floods = new AtomicInteger();
        modem.script((command, m) -> {
            if (command.equalsIgnoreCase("ATI") && floods.getAndIncrement() == 0) {
                for (int sent = 0; sent < 2 * SerialAtChannel.MAX_RESPONSE_BYTES && !m.stopped; sent += line.length) {
                    m.write(line); // without a final result
                }
                return;
            }
            ScriptedModem.wellBehaved(command, m);
        });
        start(new Dialect(at -> new FakeModem(Optional.empty())));
        assertThat(factory.published.tryAcquire(60, TimeUnit.SECONDS)).as("attached after the flood").isTrue();
        assertThat(modem.commands.stream().filter("ATI"::equalsIgnoreCase).count()).isGreaterThanOrEqualTo(2);
        assertThat(uncaught).isEmpty();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "boot URCs {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = { "RDY,APP RDY", "+KSUP: 0" })
    void aModuleThatRestartsWhileAttachedIsAttachedAgainOnItsOwn(String bootUrcs) throws Exception {
        List<FakeModem> attached = new CopyOnWriteArrayList<>();
        start(new Dialect(at -> {
            FakeModem m = new FakeModem(Optional.empty());
            attached.add(m);
            return m;
        }));
        assertThat(factory.published.tryAcquire(60, TimeUnit.SECONDS)).as("first attachment").isTrue();
        long atisBefore = modem.commands.stream().filter("ATI"::equalsIgnoreCase).count();

        modem.echo(true); // what a module does after a restart, until ATE0
        for (String urc : bootUrcs.split(",")) {
            modem.say("\r\n" + urc + "\r\n");
        }

        assertThat(factory.published.tryAcquire(60, TimeUnit.SECONDS)).as("attached again after " + bootUrcs)
                .isTrue();
        assertThat(factory.disposed.tryAcquire(10, TimeUnit.SECONDS)).as("first services withdrawn").isTrue();
        assertThat(attached).hasSize(2);
        assertThat(attached.get(0).detached).as("the first attachment's sockets were closed").hasValue(1);
        assertThat(attached.get(1).detached).hasValue(0);
        assertThat(modem.commands.stream().filter("ATI"::equalsIgnoreCase).count()).isEqualTo(atisBefore + 1);
    }

    // --- the supervisor's collaborators ---------------------------------------------------------------------

    interface Attach {
        Modem attach(AtChannel at) throws ModemException;
    }

    static final class Dialect implements ModemDialect {
        private final Attach attach;

        Dialect(Attach attach) {
            this.attach = attach;
        }

        @Override
        public String family() {
            return "fake";
        }

        @Override
        public boolean matches(ModemIdentity identity) {
            return true;
        }

        @Override
        public Modem attach(AtChannel channel, ModemIdentity identity, ModemSettings settings) throws ModemException {
            return attach.attach(channel);
        }
    }
}
