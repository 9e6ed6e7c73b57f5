package io.uplink.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How each cloud connection and each modem behaved over the last day, for the dashboard: one sample per minute per
 * endpoint (state, queue depth, messages accepted, reconnects) and per modem (registration, signal), and each endpoint's
 * state changes with their cause.
 *
 * <p>Bounded whatever the peers do: {@value #MINUTES} samples per series, {@value #TRANSITIONS} state changes per
 * endpoint, {@value #MAX_ENDPOINTS} endpoints and {@value #MAX_MODEMS} modems (more are not recorded), texts cut to
 * {@value #MAX_TEXT} characters. Thread-safe: the sampler thread records, request threads read {@link #snapshot}.
 */
final class LinkHistory {

    static final int MINUTES = 24 * 60;
    /** Closed minutes kept beside the one underway. */
    private static final int CLOSED = MINUTES - 1;
    static final int TRANSITIONS = 300;
    static final int MAX_ENDPOINTS = 16;
    static final int MAX_MODEMS = 8;
    static final int MAX_TEXT = 300;
    static final String CONNECTED = "CONNECTED";

    /**
     * One minute of an endpoint; {@code messages} is -1 when the connection does not report its queue, {@code sent} and
     * {@code received} (bytes in that minute) -1 when it does not count its traffic.
     */
    record EndpointMinute(long minute, String state, boolean disrupted, int queue, long messages, int reconnects,
            long sent, long received) {

        EndpointMinute(long minute, String state, boolean disrupted, int queue, long messages, int reconnects) {
            this(minute, state, disrupted, queue, messages, reconnects, -1, -1);
        }
    }

    /** A state change; {@code cause} is the connection's last problem when it left {@code CONNECTED}. */
    record Transition(long at, String from, String to, String cause) {
    }

    /**
     * One minute of a modem: {@code signal} the +CSQ figure (-1 when not reported), {@code rsrp} in dBm (0 when not
     * reported), {@code rat} the radio access technology and {@code operator} the network operator (empty when not
     * reported), {@code rsrq} in dB (0 when not reported), {@code sinr} in dB ({@value #SINR_UNKNOWN} when not
     * reported).
     */
    record ModemMinute(long minute, String registration, int signal, int rsrp, String rat, String operator, int rsrq,
            int sinr) {

        ModemMinute(long minute, String registration, int signal) {
            this(minute, registration, signal, 0, "", "", 0, SINR_UNKNOWN);
        }
    }

    /** SINR "not reported": 0 dB is a real figure, and no module reports below -20 dB. */
    static final int SINR_UNKNOWN = -99;

    /** The minute being filled and the change detection of one endpoint. */
    static final class Endpoint {
        final ArrayDeque<EndpointMinute> minutes = new ArrayDeque<>();
        final ArrayDeque<Transition> transitions = new ArrayDeque<>();
        String state;
        boolean everConnected;
        long accepted = -1;
        long minute = -1;
        boolean disrupted;
        int queue;
        long messages = -1;
        int reconnects;
        long sentTotal = -1;
        long receivedTotal = -1;
        long sent = -1;
        long received = -1;
    }

    static final class Modem {
        final ArrayDeque<ModemMinute> minutes = new ArrayDeque<>();
        ModemMinute current;
    }

    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, Modem> modems = new LinkedHashMap<>();

    /**
     * Records what an endpoint looks like at {@code now}; called every second or so, so that short outages between two
     * minute marks still count.
     *
     * @param accepted messages accepted by the connection's queue since it opened, -1 if unknown
     */
    synchronized void endpoint(String id, long now, String state, String problem, int queued, long accepted) {
        endpoint(id, now, state, problem, queued, accepted, -1, -1);
    }

    /**
     * As {@link #endpoint(String, long, String, String, int, long)}, with the connection's byte counters.
     *
     * @param sentTotal bytes sent since the endpoint started, -1 if not counted
     * @param receivedTotal bytes received since the endpoint started, -1 if not counted
     */
    synchronized void endpoint(String id, long now, String state, String problem, int queued, long accepted,
            long sentTotal, long receivedTotal) {
        Endpoint e = endpoints.get(id);
        if (e == null) {
            if (endpoints.size() >= MAX_ENDPOINTS) {
                return;
            }
            e = new Endpoint();
            endpoints.put(id, e);
        }
        long minute = now / 60_000;
        if (e.minute != minute) {
            close(e);
            e.minute = minute;
            e.disrupted = false;
            e.queue = 0;
            e.messages = accepted < 0 ? -1 : 0;
            e.reconnects = 0;
            e.sent = sentTotal < 0 ? -1 : 0;
            e.received = receivedTotal < 0 ? -1 : 0;
        }
        if (e.state != null && !e.state.equals(state)) {
            String cause = CONNECTED.equals(e.state) || !CONNECTED.equals(state) ? cut(problem) : "";
            add(e.transitions, new Transition(now, e.state, state, cause), TRANSITIONS);
            if (CONNECTED.equals(state) && e.everConnected) {
                e.reconnects++;
            }
        }
        if (CONNECTED.equals(state)) {
            e.everConnected = true;
        } else {
            e.disrupted = true;
        }
        e.state = state;
        e.queue = Math.max(e.queue, Math.max(queued, 0));
        if (accepted >= 0) {
            // A counter that went down belongs to a reopened queue: what it holds now was accepted since.
            long delta = e.accepted < 0 ? 0 : accepted >= e.accepted ? accepted - e.accepted : accepted;
            e.messages = Math.max(e.messages, 0) + delta;
            e.accepted = accepted;
        }
        if (sentTotal >= 0) {
            e.sent = Math.max(e.sent, 0) + delta(e.sentTotal, sentTotal);
            e.sentTotal = sentTotal;
        }
        if (receivedTotal >= 0) {
            e.received = Math.max(e.received, 0) + delta(e.receivedTotal, receivedTotal);
            e.receivedTotal = receivedTotal;
        }
    }

    /** Growth of a counter since it was last seen; a counter that went down was restarted and counts from zero. */
    private static long delta(long before, long now) {
        return before < 0 ? 0 : now >= before ? now - before : now;
    }

    /** Records a modem's registration and signal (-1 if unknown) at {@code now}. */
    synchronized void modem(String pid, long now, String registration, int signal) {
        modem(pid, now, registration, signal, 0, "", "", 0, SINR_UNKNOWN);
    }

    /**
     * Records a modem's registration, +CSQ (-1 unknown), RSRP (0 unknown), access technology and operator (empty
     * unknown), RSRQ (0 unknown) and SINR ({@value #SINR_UNKNOWN} unknown) at {@code now}.
     */
    synchronized void modem(String pid, long now, String registration, int signal, int rsrp, String rat,
            String operator, int rsrq, int sinr) {
        Modem m = modems.get(pid);
        if (m == null) {
            if (modems.size() >= MAX_MODEMS) {
                return;
            }
            m = new Modem();
            modems.put(pid, m);
        }
        long minute = now / 60_000;
        if (m.current != null && m.current.minute() != minute) {
            add(m.minutes, m.current, CLOSED);
        }
        m.current = new ModemMinute(minute, cut(registration), signal, rsrp, cut(rat), cut(operator), rsrq, sinr);
    }

    /** The last day as the dashboard reads it: each series with the minute underway last. */
    synchronized Map<String, Object> snapshot(long now) {
        long oldest = now / 60_000 - MINUTES;
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("now", now);
        List<Object> es = new ArrayList<>();
        endpoints.forEach((id, e) -> {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("endpoint", id);
            j.put("state", e.state);
            List<Object> minutes = new ArrayList<>();
            int reconnects = 0;
            List<EndpointMinute> all24 = new ArrayList<>(e.minutes);
            if (e.minute >= 0) {
                all24.add(current(e));
            }
            long sent = -1;
            long received = -1;
            for (EndpointMinute m : all24) {
                if (m.minute() > oldest) {
                    minutes.add(List.of(m.minute() * 60, m.state(), m.disrupted(), m.queue(), m.messages(),
                            m.reconnects(), m.sent(), m.received()));
                    reconnects += m.reconnects();
                    sent = m.sent() < 0 ? sent : Math.max(sent, 0) + m.sent();
                    received = m.received() < 0 ? received : Math.max(received, 0) + m.received();
                }
            }
            j.put("reconnects", reconnects);
            j.put("bytes_sent", sent);
            j.put("bytes_received", received);
            j.put("minutes", minutes);
            List<Object> ts = new ArrayList<>();
            for (Transition t : e.transitions) {
                if (t.at() / 60_000 > oldest) {
                    ts.add(List.of(t.at(), t.from(), t.to(), t.cause()));
                }
            }
            j.put("transitions", ts);
            es.add(j);
        });
        all.put("endpoints", es);
        List<Object> ms = new ArrayList<>();
        modems.forEach((pid, m) -> {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("modem", pid);
            List<Object> minutes = new ArrayList<>();
            List<ModemMinute> all24 = new ArrayList<>(m.minutes);
            if (m.current != null) {
                all24.add(m.current);
            }
            for (ModemMinute mm : all24) {
                if (mm.minute() > oldest) {
                    minutes.add(List.of(mm.minute() * 60, mm.registration(), mm.signal(), mm.rsrp(), mm.rat(),
                            mm.operator(), mm.rsrq(), mm.sinr()));
                }
            }
            j.put("minutes", minutes);
            ms.add(j);
        });
        all.put("modems", ms);
        return all;
    }

    /** Everything recorded, closed minutes first, for {@link HistoryFile}. */
    synchronized Contents contents() {
        Map<String, List<EndpointMinute>> em = new LinkedHashMap<>();
        Map<String, List<Transition>> et = new LinkedHashMap<>();
        endpoints.forEach((id, e) -> {
            List<EndpointMinute> list = new ArrayList<>(e.minutes);
            if (e.minute >= 0) {
                list.add(current(e));
            }
            em.put(id, list);
            et.put(id, new ArrayList<>(e.transitions));
        });
        Map<String, List<ModemMinute>> mm = new LinkedHashMap<>();
        modems.forEach((pid, m) -> {
            List<ModemMinute> list = new ArrayList<>(m.minutes);
            if (m.current != null) {
                list.add(m.current);
            }
            mm.put(pid, list);
        });
        return new Contents(em, et, mm);
    }

    /** What a history file holds. */
    record Contents(Map<String, List<EndpointMinute>> endpointMinutes, Map<String, List<Transition>> transitions,
            Map<String, List<ModemMinute>> modemMinutes) {
    }

    /** Restores what a file held, dropping what is older than a day before {@code now} and what exceeds the bounds. */
    synchronized void restore(Contents c, long now) {
        long oldest = now / 60_000 - MINUTES;
        c.endpointMinutes().forEach((id, list) -> {
            if (!endpoints.containsKey(id) && endpoints.size() >= MAX_ENDPOINTS) {
                return;
            }
            Endpoint e = endpoints.computeIfAbsent(id, k -> new Endpoint());
            for (EndpointMinute m : list) {
                if (m.minute() > oldest && m.minute() < now / 60_000) { // the minute underway is sampled afresh
                    add(e.minutes, m, CLOSED);
                    e.everConnected |= CONNECTED.equals(m.state()) || m.reconnects() > 0;
                }
            }
            for (Transition t : c.transitions().getOrDefault(id, List.of())) {
                if (t.at() / 60_000 > oldest) {
                    add(e.transitions, t, TRANSITIONS);
                }
            }
        });
        c.modemMinutes().forEach((pid, list) -> {
            if (!modems.containsKey(pid) && modems.size() >= MAX_MODEMS) {
                return;
            }
            Modem m = modems.computeIfAbsent(pid, k -> new Modem());
            for (ModemMinute mm : list) {
                if (mm.minute() > oldest && mm.minute() < now / 60_000) {
                    add(m.minutes, mm, CLOSED);
                }
            }
        });
    }

    private static void close(Endpoint e) {
        if (e.minute >= 0) {
            add(e.minutes, current(e), CLOSED);
        }
    }

    private static EndpointMinute current(Endpoint e) {
        return new EndpointMinute(e.minute, e.state, e.disrupted, e.queue, e.messages, e.reconnects, e.sent,
                e.received);
    }

    private static <T> void add(ArrayDeque<T> ring, T item, int bound) {
        while (ring.size() >= bound) {
            ring.removeFirst();
        }
        ring.addLast(item);
    }

    static String cut(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 3) + "...";
    }
}
