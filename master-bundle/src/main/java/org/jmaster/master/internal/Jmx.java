package org.jmaster.master.internal;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeChangeNotification;
import javax.management.JMException;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import org.jmaster.api.ServiceEvent;
import org.jmaster.api.jmx.MasterMXBean;
import org.jmaster.api.jmx.ServiceMXBean;
import org.jmaster.api.spi.policy.ServiceState;

/**
 * NAME
 *     Jmx - the master's MBeans in the platform MBean server
 * SUMMARY
 *     start() / stop()             the Master MBean, and every service MBean at stop
 *     added(entry) / removed(entry)   a service MBean per service, while it exists
 *     event(service, event, text)  a notification from the service's MBean
 *     master() / controls()        the objects behind the MBeans, for the shell commands
 * DESCRIPTION
 *     org.jmaster:type=Master, and org.jmaster:type=Service,name="<service>/<type>" per service
 *     (a second service with the same name and type, under another endpoint, gets an endpoint key
 *     too). Notifications carry a CompositeData: service, time, event, message and the process
 *     counts, so that clients need none of jmaster's classes; ProcessLimit changes are
 *     jmx.attribute.change notifications. The MBeans are registered by this component, in the
 *     platform MBean server, which Felix's and Karaf's JMX connectors both serve.
 */
final class Jmx implements Supervisor.Observer {
    static final String NOTIFICATION_TYPE_NAME = "org.jmaster.ServiceNotification";
    private static final String[] ITEMS = {"service", "time", "event", "message", "processLimit", "totalProcesses",
        "availableProcesses", "throttled", "throttleRemainingSeconds"};
    private static final CompositeType PAYLOAD = payloadType();

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Supervisor supervisor;
    private final ObjectName masterName;
    private final Map<ServiceState, Registration> services = new IdentityHashMap<>();
    private volatile MasterMXBean master;

    private static final class Registration {
        final ObjectName name;
        final ServiceControl control;
        final NotificationBroadcasterSupport emitter;
        final AtomicLong sequence = new AtomicLong();

        Registration(ObjectName name, ServiceControl control, NotificationBroadcasterSupport emitter) {
            this.name = name;
            this.control = control;
            this.emitter = emitter;
        }
    }

    Jmx(Supervisor supervisor) {
        this.supervisor = supervisor;
        try {
            masterName = new ObjectName(ServiceMXBean.DOMAIN + ":type=Master");
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    void start(MasterMXBean master) {
        this.master = master;
        register(masterName, new DescribedMBean(master, MasterMXBean.class, new NotificationBroadcasterSupport()));
    }

    synchronized void stop() {
        for (Registration registration : services.values()) {
            unregister(registration.name);
        }
        services.clear();
        unregister(masterName);
    }

    /** The Master MBean's object, once started. */
    MasterMXBean master() {
        return master;
    }

    /** The object of every service MBean now, by label (see MasterControls.serviceControls). */
    synchronized SortedMap<String, ServiceMXBean> controls() {
        SortedMap<String, ServiceMXBean> all = new TreeMap<>();
        for (Map.Entry<ServiceState, Registration> service : services.entrySet()) {
            String label = service.getKey().definition().label();
            all.put(all.containsKey(label) ? label + "@" + service.getKey().canonicalName() : label,
                    service.getValue().control);
        }
        return all;
    }

    @Override
    public synchronized void added(ServiceEntry entry) {
        ServiceState service = entry.state;
        String label = service.definition().label();
        NotificationBroadcasterSupport emitter = new NotificationBroadcasterSupport(notifications());
        ServiceControl control = new ServiceControl(supervisor, entry);
        try {
            ObjectName name = new ObjectName(ServiceMXBean.DOMAIN + ":type=Service,name=" + ObjectName.quote(label));
            if (server.isRegistered(name)) {
                name = new ObjectName(name + ",endpoint=" + ObjectName.quote(service.canonicalName()));
            }
            server.registerMBean(new DescribedMBean(control, ServiceMXBean.class, emitter), name);
            services.put(service, new Registration(name, control, emitter));
        } catch (JMException | RuntimeException e) {
            supervisor.context.warning("service " + service + ": no MBean: " + e);
        }
    }

    @Override
    public synchronized void removed(ServiceEntry entry) {
        Registration registration = services.remove(entry.state);
        if (registration != null) {
            unregister(registration.name);
        }
    }

    @Override
    public void event(ServiceState service, ServiceEvent event, String message) {
        Registration registration;
        synchronized (this) {
            registration = services.get(service);
        }
        if (registration != null) {
            Notification notification = new Notification(event.notificationType(), registration.name,
                    registration.sequence.incrementAndGet(), System.currentTimeMillis(), message);
            notification.setUserData(payload(registration, service, event.notificationType(), message));
            registration.emitter.sendNotification(notification);
        }
    }

    @Override
    public void processLimitChanged(ServiceState service, int old, int now) {
        Registration registration;
        synchronized (this) {
            registration = services.get(service);
        }
        if (registration != null && old != now) {
            AttributeChangeNotification notification = new AttributeChangeNotification(registration.name,
                    registration.sequence.incrementAndGet(), System.currentTimeMillis(),
                    "ProcessLimit of " + service + " changed from " + old + " to " + now, "ProcessLimit", "int", old, now);
            notification.setUserData(payload(registration, service, AttributeChangeNotification.ATTRIBUTE_CHANGE,
                    notification.getMessage()));
            registration.emitter.sendNotification(notification);
        }
    }

    private static CompositeData payload(Registration registration, ServiceState service, String type, String message) {
        long remaining = registration.control.getThrottleRemainingSeconds();
        Object[] values = {service.definition().label(), new Date(), type, message,
            service.processLimit(), service.totalProcesses(), service.availableProcesses(), service.isThrottled(),
            remaining};
        try {
            return new CompositeDataSupport(PAYLOAD, ITEMS, values);
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MBeanNotificationInfo[] notifications() {
        List<String> types = new ArrayList<>();
        for (ServiceEvent event : ServiceEvent.values()) {
            types.add(event.notificationType());
        }
        return new MBeanNotificationInfo[] {
            new MBeanNotificationInfo(types.toArray(new String[0]), Notification.class.getName(),
                    "What happens to the service; the user data holds the service, the time and the process counts."),
            new MBeanNotificationInfo(new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE},
                    AttributeChangeNotification.class.getName(), "ProcessLimit was changed.")};
    }

    private static CompositeType payloadType() {
        try {
            return new CompositeType(NOTIFICATION_TYPE_NAME, "What happened to a service, and its state then", ITEMS,
                    new String[] {"The service, as <service>/<type>", "When it happened", "The notification type",
                        "What happened, in words", "The process limit", "Children alive", "Children idle",
                        "Process creation suspended", "Seconds until the throttle ends"},
                    new OpenType<?>[] {SimpleType.STRING, SimpleType.DATE, SimpleType.STRING, SimpleType.STRING,
                        SimpleType.INTEGER, SimpleType.INTEGER, SimpleType.INTEGER, SimpleType.BOOLEAN, SimpleType.LONG});
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
    }

    private void register(ObjectName name, Object mbean) {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(mbean, name);
        } catch (JMException e) {
            supervisor.context.warning("cannot register " + name + ": " + e);
        }
    }

    private void unregister(ObjectName name) {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            supervisor.context.warning("cannot unregister " + name + ": " + e);
        }
    }
}
