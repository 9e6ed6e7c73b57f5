package io.uplink.features;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A stand-in for how Kura's ConfigurationService finds and renders components (read from Kura's source, not copied):
 * <ul>
 * <li>components: every service with a {@code service.pid} whose object is an
 * {@code org.eclipse.kura.configuration.ConfigurableComponent}, keyed by {@code kura.service.pid}, with its
 * {@code service.factoryPid} if it is a factory instance;</li>
 * <li>forms: for every active bundle and every PID or factory PID of its metatype, Kura reads
 * {@code OSGI-INF/metatype/<pid>.xml} itself, takes the Designate whose pid or factoryPid is that PID and the OCD whose
 * id is that PID, matching element names literally (OCD, AD, Designate, Option) and AD types against its own scalar
 * names; the factory PIDs are what the UI's "+" dialog offers.</li>
 * </ul>
 */
final class KuraDiscovery {

    /** The AD types Kura's scalar enumeration knows; any other type makes Kura fail the whole form. */
    static final Set<String> KURA_TYPES = Set.of("String", "Long", "Double", "Float", "Integer", "Byte", "Char",
            "Boolean", "Short", "Password");

    record Component(String kuraPid, String servicePid, String factoryPid) {
    }

    record Form(String pid, boolean factory, String name, int attributes) {
    }

    private KuraDiscovery() {
    }

    static List<Component> components(BundleContext context, Class<?> configurableComponent) throws Exception {
        List<Component> found = new ArrayList<>();
        ServiceReference<?>[] refs = context.getAllServiceReferences(null, null);
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Object servicePid = ref.getProperty(Constants.SERVICE_PID);
            if (!(servicePid instanceof String)) {
                continue;
            }
            Object service = context.getService(ref);
            try {
                if (configurableComponent.isInstance(service)) {
                    found.add(new Component((String) ref.getProperty("kura.service.pid"), (String) servicePid,
                            (String) ref.getProperty("service.factoryPid")));
                }
            } finally {
                context.ungetService(ref);
            }
        }
        return found;
    }

    /** Every form Kura would register, by PID; a malformed one fails with what Kura would choke on. */
    static Map<String, Form> forms(BundleContext context) throws Exception {
        Map<String, Form> forms = new LinkedHashMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getState() != Bundle.ACTIVE) {
                continue;
            }
            Enumeration<URL> files = b.findEntries("OSGI-INF/metatype", "*.xml", false);
            while (files != null && files.hasMoreElements()) {
                URL url = files.nextElement();
                String file = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
                String pid = file.substring(0, file.length() - ".xml".length());
                Document doc;
                try (InputStream in = url.openStream()) {
                    doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
                }
                Element designate = null;
                Element ocd = null;
                for (Element e : children(doc.getDocumentElement())) {
                    if (e.getNodeName().equals("Designate") && (pid.equals(e.getAttribute("pid"))
                            || pid.equals(e.getAttribute("factoryPid")))) {
                        designate = e;
                    } else if (e.getNodeName().equals("OCD") && pid.equals(e.getAttribute("id"))) {
                        ocd = e;
                    }
                }
                if (designate == null || ocd == null) {
                    throw new AssertionError(b.getSymbolicName() + ": " + file + " has no Designate and OCD for PID "
                            + pid + ": Kura finds metatype by file name = PID = OCD id");
                }
                int attributes = 0;
                for (Element ad : children(ocd)) {
                    if (ad.getNodeName().equals("AD")) {
                        attributes++;
                        if (!KURA_TYPES.contains(ad.getAttribute("type"))) {
                            throw new AssertionError(pid + ": attribute " + ad.getAttribute("id") + " has type "
                                    + ad.getAttribute("type") + ", which Kura's form renderer does not know");
                        }
                    }
                }
                forms.put(pid, new Form(pid, !designate.getAttribute("factoryPid").isEmpty(), ocd.getAttribute("name"),
                        attributes));
            }
        }
        return forms;
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) nodes.item(i));
            }
        }
        return out;
    }
}
