package io.uplink.modem.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A JSSE TLS echo server for the module's TLS to talk to; it records what each client hello and handshake showed. */
final class TlsTestServer implements AutoCloseable {

    /** What one accepted connection showed: the SNI name ("" for none), the client certificate subject or "". */
    record Seen(String sni, String clientSubject, String protocol, String suite, String failure) {
    }

    private final SSLServerSocket server;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    TlsTestServer(TestPki.Issued identity, TestPki.Issued clientCa, String[] protocols, String[] suites)
            throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", identity.keys().getPrivate(), new char[0],
                new X509Certificate[] { identity.cert() });
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        TrustManagerFactory tmf = null;
        if (clientCa != null) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("ca", clientCa.cert());
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress());
        if (protocols != null) {
            server.setEnabledProtocols(protocols);
        }
        if (suites != null) {
            server.setEnabledCipherSuites(suites);
        }
        server.setNeedClientAuth(clientCa != null);
        Thread t = new Thread(this::serve, "tls-test-server");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next connection's handshake, waiting up to 20 s. */
    Seen next() throws InterruptedException {
        Seen s = seen.poll(20, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no TLS connection reached the test server");
        }
        return s;
    }

    private void serve() {
        while (!server.isClosed()) {
            SSLSocket s;
            try {
                s = (SSLSocket) server.accept();
            } catch (IOException stop) {
                return;
            }
            Thread e = new Thread(() -> handle(s), "tls-test-echo");
            e.setDaemon(true);
            e.start();
        }
    }

    private void handle(SSLSocket s) {
        try (s) {
            try {
                s.startHandshake();
            } catch (IOException failed) {
                seen.add(new Seen("", "", "", "", failed.toString()));
                return;
            }
            ExtendedSSLSession session = (ExtendedSSLSession) s.getSession();
            List<SNIServerName> names = session.getRequestedServerNames();
            String sni = names.isEmpty() ? "" : ((SNIHostName) names.get(0)).getAsciiName();
            String client = "";
            try {
                client = ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                // no client certificate
            }
            seen.add(new Seen(sni, client, session.getProtocol(), session.getCipherSuite(), null));
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] b = new byte[4096];
            int n;
            while ((n = in.read(b)) >= 0) {
                out.write(b, 0, n);
                out.flush();
            }
        } catch (IOException gone) {
            // the module closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
