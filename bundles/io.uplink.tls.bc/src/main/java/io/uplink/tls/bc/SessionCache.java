package io.uplink.tls.bc;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bouncycastle.tls.TlsSession;

/** Resumable TLS 1.2 sessions per endpoint (host:port:SNI), least recently used first out. */
final class SessionCache {

    private final Map<String, TlsSession> sessions;

    SessionCache(int capacity) {
        this.sessions = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TlsSession> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized TlsSession get(String endpoint) {
        TlsSession s = sessions.get(endpoint);
        if (s != null && !s.isResumable()) {
            sessions.remove(endpoint);
            return null;
        }
        return s;
    }

    synchronized void put(String endpoint, TlsSession session) {
        sessions.put(endpoint, session);
    }

    synchronized void clear() {
        sessions.clear();
    }
}
