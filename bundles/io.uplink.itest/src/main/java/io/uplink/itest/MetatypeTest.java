package io.uplink.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Every configurable Uplink component has a metatype whose OCD id equals its PID (Kura's web UI and the Felix Web
 * Console render forms only then), and every attribute explains itself.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class MetatypeTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ServiceComponentRuntime scr;

    @InjectService
    MetaTypeService metatype;

    @Test
    void everyConfigurableComponentHasAnOcdWhoseIdIsItsPid() {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Bundle bundle : uplinkBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(bundle);
            for (ComponentDescriptionDTO component : scr.getComponentDescriptionDTOs(bundle)) {
                if ("ignore".equals(component.configurationPolicy)) {
                    continue;
                }
                for (String pid : component.configurationPid) {
                    checked++;
                    ObjectClassDefinition ocd = info == null ? null : ocd(info, pid);
                    if (ocd == null) {
                        missing.add(component.name + ": no metatype OCD for PID " + pid);
                    } else if (!pid.equals(ocd.getID())) {
                        missing.add(component.name + ": OCD id " + ocd.getID() + " differs from PID " + pid);
                    }
                }
            }
        }
        assertThat(checked).as("configurable Uplink components found").isPositive();
        assertThat(missing).isEmpty();
    }

    @Test
    void everyAttributeHasANameAndADescription() {
        List<String> undocumented = new ArrayList<>();
        for (Bundle bundle : uplinkBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(bundle);
            if (info == null) {
                continue;
            }
            List<String> pids = new ArrayList<>(Arrays.asList(info.getPids()));
            pids.addAll(Arrays.asList(info.getFactoryPids()));
            for (String pid : pids) {
                ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
                if (ocd.getDescription() == null || ocd.getDescription().isBlank()) {
                    undocumented.add(pid + " has no description");
                }
                for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                    if (ad.getDescription() == null || ad.getDescription().length() < 20) {
                        undocumented.add(pid + "/" + ad.getID() + " has no useful description");
                    }
                }
            }
        }
        assertThat(undocumented).isEmpty();
    }

    private static ObjectClassDefinition ocd(MetaTypeInformation info, String pid) {
        try {
            return info.getObjectClassDefinition(pid, null);
        } catch (IllegalArgumentException notDefined) {
            return null;
        }
    }

    private List<Bundle> uplinkBundles() {
        List<Bundle> result = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().startsWith("io.uplink.")) {
                result.add(b);
            }
        }
        return result;
    }
}
