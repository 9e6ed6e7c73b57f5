package io.uplink.modem.quectel;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.modem.UrcListener;
import io.uplink.modem.UrcSubscription;

/**
 * An {@link AtChannel} that plays a script: each command must be the next one expected (exactly, or by prefix), and
 * gets the scripted lines and final result; URCs scripted after a command are delivered before {@code execute}
 * returns, as a module's URC may arrive just after the final result. Anything unexpected fails the test.
 */
final class ScriptedAtChannel implements AtChannel {

    /** One expected command and its answer. */
    static final class Step {
        final String expected;
        final boolean prefix;
        final List<String> lines = new ArrayList<>();
        final List<String> urcs = new ArrayList<>();
        FinalResult result = new FinalResult(Kind.OK, -1, "OK");

        Step(String expected, boolean prefix) {
            this.expected = expected;
            this.prefix = prefix;
        }

        Step lines(String... l) {
            lines.addAll(List.of(l));
            return this;
        }

        Step result(String text) {
            Kind kind = text.equals("OK") || text.equals("SEND OK") || text.equals("CLOSE OK") ? Kind.OK
                    : text.startsWith("+CME ERROR") ? Kind.CME_ERROR : Kind.ERROR;
            int code = text.startsWith("+CME ERROR: ") ? Integer.parseInt(text.substring(12)) : -1;
            result = new FinalResult(kind, code, text);
            return this;
        }

        Step thenUrc(String... u) {
            urcs.addAll(List.of(u));
            return this;
        }
    }

    private final Deque<Step> script = new ArrayDeque<>();
    private final Map<String, List<UrcListener>> listeners = new ConcurrentHashMap<>();
    final List<AtCommand> sent = new CopyOnWriteArrayList<>();

    Step expect(String line) {
        Step s = new Step(line, false);
        script.add(s);
        return s;
    }

    Step expectPrefix(String prefix) {
        Step s = new Step(prefix, true);
        script.add(s);
        return s;
    }

    boolean done() {
        return script.isEmpty();
    }

    List<String> remaining() {
        return script.stream().map(s -> s.expected).toList();
    }

    @Override
    public synchronized AtResponse execute(AtCommand command) throws ModemException {
        sent.add(command);
        Step s = script.poll();
        if (s == null) {
            throw new AssertionError("unexpected command after the script ended: " + command.line());
        }
        boolean match = s.prefix ? command.line().startsWith(s.expected) : command.line().equals(s.expected);
        if (!match) {
            throw new AssertionError("expected " + (s.prefix ? "a command starting with " : "") + s.expected
                    + " but got " + command.line());
        }
        FinalResult r = s.result;
        s.urcs.forEach(this::urc);
        return new AtResponse(command, s.lines, new byte[0], r, Duration.ZERO);
    }

    /** Delivers a URC to the listeners of every matching prefix, as the serial channel does. */
    void urc(String line) {
        listeners.forEach((prefix, list) -> {
            if (line.startsWith(prefix)) {
                list.forEach(l -> l.onUrc(line, new byte[0]));
            }
        });
    }

    int listenerCount() {
        return listeners.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public UrcSubscription onUrc(String prefix, UrcListener listener) {
        listeners.computeIfAbsent(prefix, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.get(prefix).remove(listener);
    }

    @Override
    public String portName() {
        return "scripted";
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
