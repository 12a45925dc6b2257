package org.jmaster.launcher;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import java.util.Arrays;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;
import org.jmaster.api.jmx.AuditLog;

/**
 * NAME
 *     JmxGuard - who may do what through the JMX connector (an MBeanServerForwarder, as Karaf's
 *     KarafMBeanServerGuard)
 * SYNOPSIS
 *     MBeanServerForwarder forwarder(anonymousIsAdmin)
 * DESCRIPTION
 *     Every call of a remote client passes here before it reaches the platform MBean server.
 *     Reading (attributes, MBean info, queries, notification listeners) needs the monitor role.
 *     On jmaster's MBeans, throttle, unthrottle, restart and reload need operator; everything else
 *     (cleanup, ProcessLimit, updateBundle, refreshBundles) admin. On the JDK's MBeans, what
 *     changes the VM (logging levels, attributes, unknown operations) needs admin; what loads
 *     code, removes MBeans or writes files as root is refused to everyone: createMBean of any
 *     class (MLet included), unregisterMBean, DiagnosticCommand but its read-only commands,
 *     HotSpotDiagnostic dumpHeap and setVMOption, Flight Recorder. Root uses jcmd on the host
 *     for those, and the level of the audit logger stays INFO. The class-loader calls pass: only
 *     the connector itself makes them.
 *
 *     Every write and operation, allowed or refused, is logged with the principal, the client's
 *     address and the arguments (logger org.jmaster.jmx).
 * DIAGNOSTICS
 *     SecurityException "Access denied! <user> (<role>) may not <what>: it needs the <role> role",
 *     or "Access denied! <what> is refused through JMX: <why>".
 */
final class JmxGuard implements InvocationHandler {
    private static final Logger AUDIT = Logger.getLogger(AuditLog.LOGGER);

    static {
        AUDIT.setLevel(Level.INFO); // its own level: no change of a parent's silences it
    }

    private static final Set<String> READS = Set.of("getAttribute", "getAttributes", "getMBeanInfo", "queryMBeans",
            "queryNames", "isRegistered", "getMBeanCount", "getDefaultDomain", "getDomains", "isInstanceOf",
            "getObjectInstance", "addNotificationListener", "removeNotificationListener");
    /** Reached only by the connector itself, never by a client (RMIConnection has no such call). */
    private static final Set<String> INTERNAL = Set.of("getClassLoader", "getClassLoaderFor",
            "getClassLoaderRepository", "registerMBean", "instantiate", "deserialize");
    private static final Set<String> REFUSED = Set.of("createMBean", "unregisterMBean");
    /** jmaster's operations an operator may call: Postfix's everyday ones. */
    private static final Set<String> OPERATOR_OPERATIONS = Set.of("throttle", "unthrottle", "restart", "reload");
    /** DiagnosticCommand's commands that only read; the others load code, write files or change the VM. */
    private static final Set<String> READ_ONLY_COMMANDS = Set.of("help", "compilerCodecache", "compilerCodelist",
            "compilerDirectivesPrint", "compilerQueue", "gcClassHistogram", "gcFinalizerInfo", "gcHeapInfo", "gcRun",
            "systemMap", "threadPrint", "vmClassHierarchy", "vmClassloaderStats", "vmClassloaders", "vmCommandLine",
            "vmDynlibs", "vmEvents", "vmFlags", "vmInfo", "vmMetaspace", "vmNativeMemory", "vmStringtable",
            "vmSymboltable", "vmSystemProperties", "vmSystemdictionary", "vmUptime", "vmVersion",
            "managementAgentStatus");
    private static final MethodHandle CURRENT_SUBJECT = currentSubject();

    private final boolean anonymousIsAdmin;
    private volatile MBeanServer next;

    private JmxGuard(boolean anonymousIsAdmin) {
        this.anonymousIsAdmin = anonymousIsAdmin;
    }

    /**
     * The guard in front of an MBean server.
     *
     * @param anonymousIsAdmin the development switch: a client without a Subject (no
     *     authentication) may do what admin may; never when jmaster runs as root
     */
    static MBeanServerForwarder forwarder(boolean anonymousIsAdmin) {
        return (MBeanServerForwarder) Proxy.newProxyInstance(JmxGuard.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, new JmxGuard(anonymousIsAdmin));
    }

    /** What a call needs: a role, or nothing because nobody may make it. */
    record Decision(Role role, String refusal) {
        static Decision needs(Role role) {
            return new Decision(role, null);
        }

        static Decision refused(String why) {
            return new Decision(null, why);
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("getMBeanServer")) {
            return next;
        }
        if (name.equals("setMBeanServer")) {
            next = (MBeanServer) args[0];
            return null;
        }
        if (method.getDeclaringClass() == Object.class) {
            return method.invoke(this, args);
        }
        if (INTERNAL.contains(name)) {
            return forward(method, args);
        }
        Decision decision = decide(name, args);
        Role role = role();
        boolean allowed = decision.refusal() == null && role != null && role.includes(decision.role());
        if (allowed && READS.contains(name)) {
            return forward(method, args); // reads are many (JConsole polls) and not logged: nothing to describe
        }
        String user = user();
        String what = AuditLog.printable(describe(name, args));
        if (decision.refusal() != null) {
            AUDIT.warning("JMX: " + user + "@" + clientHost() + " " + what + ": refused: " + decision.refusal());
            throw new SecurityException("Access denied! " + what + " is refused through JMX: " + decision.refusal());
        }
        if (!allowed) {
            AUDIT.warning("JMX: " + user + "@" + clientHost() + " (" + role + ") " + what + ": refused, it needs the "
                    + decision.role() + " role");
            throw new SecurityException("Access denied! " + user + " (" + role + ") may not " + what + ": it needs the "
                    + decision.role() + " role");
        }
        AUDIT.info("JMX: " + user + "@" + clientHost() + " (" + role + ") " + what);
        return forward(method, args);
    }

    private Object forward(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(next, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The rule for one MBeanServer call. */
    static Decision decide(String method, Object[] args) {
        if (READS.contains(method)) {
            return Decision.needs(Role.MONITOR);
        }
        if (REFUSED.contains(method)) {
            return Decision.refused("it would load or remove code in a JVM that runs as root");
        }
        if (method.equals("invoke")) {
            Object[] params = (Object[]) args[2];
            if ("setLoggerLevel".equals(args[1]) && params != null && params.length > 0
                    && String.valueOf(params[0]).startsWith(AUDIT.getName())) {
                return Decision.refused("the audit log of JMX stays on");
            }
            return operation((ObjectName) args[0], (String) args[1]);
        }
        return Decision.needs(Role.ADMIN); // setAttribute, setAttributes
    }

    /** The rule for one operation of one MBean. */
    static Decision operation(ObjectName mbean, String operation) {
        String domain = mbean.getDomain();
        String type = String.valueOf(mbean.getKeyProperty("type"));
        if (domain.equals("org.jmaster")) {
            return Decision.needs(OPERATOR_OPERATIONS.contains(operation) ? Role.OPERATOR : Role.ADMIN);
        }
        if (domain.equals("com.sun.management") && type.equals("DiagnosticCommand")) {
            return READ_ONLY_COMMANDS.contains(operation) ? Decision.needs(Role.ADMIN)
                    : Decision.refused("DiagnosticCommand " + operation + " can load code, write files or change the"
                            + " VM; use jcmd on the host");
        }
        if (domain.equals("com.sun.management") && type.equals("HotSpotDiagnostic")) {
            return operation.equals("getVMOption") ? Decision.needs(Role.MONITOR)
                    : Decision.refused("HotSpotDiagnostic " + operation + " writes files or changes the VM as root;"
                            + " use jcmd on the host");
        }
        if (domain.equals("jdk.management.jfr")) {
            return Decision.refused("Flight Recorder writes files as root; use jcmd on the host");
        }
        if (domain.equals("java.lang") && type.equals("Threading")
                && (operation.startsWith("get") || operation.startsWith("find") || operation.startsWith("dump"))) {
            return Decision.needs(Role.MONITOR);
        }
        if (domain.equals("java.lang") && type.equals("Memory") && operation.equals("gc")) {
            return Decision.needs(Role.OPERATOR);
        }
        if (domain.equals("java.util.logging") && operation.startsWith("get")) {
            return Decision.needs(Role.MONITOR);
        }
        return Decision.needs(Role.ADMIN);
    }

    private static String describe(String method, Object[] args) {
        switch (method) {
            case "invoke":
                return "invoke " + args[0] + " " + args[1] + arguments((Object[]) args[2]);
            case "setAttribute":
                Attribute attribute = (Attribute) args[1];
                return "setAttribute " + args[0] + " " + attribute.getName() + " = " + bounded(attribute.getValue());
            case "setAttributes":
                StringBuilder list = new StringBuilder();
                for (Attribute a : ((AttributeList) args[1]).asList()) {
                    list.append(list.length() > 0 ? ", " : "").append(a.getName()).append(" = ").append(bounded(a.getValue()));
                }
                return "setAttributes " + args[0] + " " + list;
            default:
                return method + (args == null || args.length == 0 ? "" : " " + bounded(args[0]));
        }
    }

    private static String arguments(Object[] params) {
        return "(" + (params == null ? "" : bounded(Arrays.deepToString(params).replaceAll("^\\[|\\]$", ""))) + ")";
    }

    private static String bounded(Object value) {
        String text = value instanceof Object[] array ? Arrays.deepToString(array) : String.valueOf(value);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** The remote client's address, on the RMI thread that runs its call. */
    static String clientHost() {
        try {
            return RemoteServer.getClientHost();
        } catch (ServerNotActiveException e) {
            return "local";
        }
    }

    private String user() {
        Subject subject = subject();
        if (subject == null) {
            return "anonymous";
        }
        return subject.getPrincipals(JMXPrincipal.class).stream().map(JMXPrincipal::getName).map(AuditLog::printable)
                .findFirst().orElse("unknown");
    }

    /**
     * The caller's role. Without a Subject the call is the connector's own (its notification
     * buffer queries and listens from a privileged block): it may read, no more, unless the
     * development switch lets an unauthenticated client do everything.
     */
    private Role role() {
        Subject subject = subject();
        if (subject == null) {
            return anonymousIsAdmin ? Role.ADMIN : Role.MONITOR;
        }
        return subject.getPrincipals(Role.Held.class).stream().map(Role.Held::role).findFirst().orElse(null);
    }

    /** The Subject the connector runs this call as: Subject.current() from Java 18, getSubject before. */
    @SuppressWarnings("removal")
    private static Subject subject() {
        try {
            if (CURRENT_SUBJECT != null) {
                return (Subject) CURRENT_SUBJECT.invoke();
            }
            return Subject.getSubject(java.security.AccessController.getContext());
        } catch (Throwable e) {
            throw new SecurityException("Access denied! no caller identity: " + e);
        }
    }

    private static MethodHandle currentSubject() {
        try {
            return MethodHandles.publicLookup().findStatic(Subject.class, "current", MethodType.methodType(Subject.class));
        } catch (ReflectiveOperationException e) {
            return null; // Java 17: Subject.getSubject
        }
    }
}
