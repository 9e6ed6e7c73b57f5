package io.uplink.modem.serial;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import io.uplink.modem.AtChannel;
import io.uplink.modem.AtCommand;
import io.uplink.modem.AtResponse;
import io.uplink.modem.FinalResult;
import io.uplink.modem.FinalResult.Kind;
import io.uplink.modem.ModemException;
import io.uplink.modem.UrcListener;
import io.uplink.modem.UrcSubscription;

/**
 * An {@link AtChannel} for the fuzz targets: every command is answered from the fuzzer's input with information lines
 * (often starting with the command's own prefix, as a module's are), raw data, and any final result, or fails as a
 * channel does; shared by the dialects' fuzz targets through this module's test-jar. Lines are what the serial
 * framer delivers: no line ends, at most 4096 characters. URC listeners are
 * kept so that a target can deliver URCs; {@link #onCommand} lets it react to a command (e.g. the open URC).
 */
public final class FuzzedAtChannel implements AtChannel {

    private static final Kind[] KINDS = Kind.values();

    private final FuzzedDataProvider in;
    private final Map<String, List<UrcListener>> listeners = new ConcurrentHashMap<>();
    private java.util.function.Consumer<AtCommand> onCommand = c -> { };
    private long longestAnswer;

    public FuzzedAtChannel(FuzzedDataProvider in) {
        this.in = in;
    }

    /** Bytes of the longest answer given so far: the bound a target checks the code under test kept to. */
    public long longestAnswer() {
        return longestAnswer;
    }

    public void onCommand(java.util.function.Consumer<AtCommand> hook) {
        this.onCommand = hook;
    }

    @Override
    public AtResponse execute(AtCommand command) throws ModemException {
        onCommand.accept(command);
        if (in.remainingBytes() == 0 || in.consumeInt(0, 31) == 0) {
            throw new ModemException("The channel failed during " + command, "", "", "fuzz");
        }
        String prefix = prefixOf(command.line());
        List<String> lines = new ArrayList<>();
        long size = 0;
        for (int n = in.consumeInt(0, 4); n > 0; n--) {
            String text = in.consumeString(300).replace('\r', ' ').replace('\n', ' ').strip();
            String line = (prefix != null && in.consumeBoolean() ? prefix + " " + text : text).strip();
            if (!line.isEmpty()) {
                lines.add(line);
                size += line.length();
            }
        }
        byte[] data = command.rawDataPrefix() != null ? in.consumeBytes(in.consumeInt(0, 2048)) : new byte[0];
        size += data.length;
        longestAnswer = Math.max(longestAnswer, size);
        Kind kind = in.pickValue(KINDS);
        int code = kind == Kind.CME_ERROR || kind == Kind.CMS_ERROR ? in.consumeInt(-1, 999) : -1;
        if ((code == 14 || code == 10) && command.line().startsWith("AT+CPIN")) {
            code = 15; // "SIM busy": the dialect waits a second and asks again, by design; not what is fuzzed here
        }
        String text = command.extraFinalResults().isEmpty() || !in.consumeBoolean() ? kind.name()
                : in.pickValue(new ArrayList<>(command.extraFinalResults().keySet()));
        FinalResult result = new FinalResult(command.extraFinalResults().getOrDefault(text, kind), code, text);
        return new AtResponse(command, lines, data, result, Duration.ZERO);
    }

    /** {@code %CMNG:} for {@code AT%CMNG=1}, {@code #XRECV:} for {@code AT#XRECV=1,64}: the channel's response prefix. */
    private static String prefixOf(String line) {
        if (line.length() < 3 || "+%#".indexOf(line.charAt(2)) < 0) {
            return null;
        }
        int end = 2;
        while (end < line.length() && "=?".indexOf(line.charAt(end)) < 0) {
            end++;
        }
        return line.substring(2, end) + ":";
    }

    /** Delivers a URC line to the listeners of every matching prefix, as the serial channel does. */
    public void urc(String line) {
        listeners.forEach((prefix, list) -> {
            if (line.startsWith(prefix)) {
                list.forEach(l -> l.onUrc(line, new byte[0]));
            }
        });
    }

    public int listenerCount() {
        return listeners.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public UrcSubscription onUrc(String prefix, UrcListener listener) {
        listeners.computeIfAbsent(prefix, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.get(prefix).remove(listener);
    }

    @Override
    public String portName() {
        return "fuzz";
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
