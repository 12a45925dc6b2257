package org.jmaster.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The guard's table: which role each call needs, and what nobody may do. */
class JmxGuardTest {
    private static final ObjectName SERVICE = name("org.jmaster:type=Service,name=\"x/inet\"");
    private static final ObjectName MASTER = name("org.jmaster:type=Master");

    @Test
    void jmastersOperationsByRole() {
        for (String operation : new String[] {"throttle", "unthrottle", "restart"}) {
            assertEquals(Role.OPERATOR, invoke(SERVICE, operation).role(), operation);
        }
        assertEquals(Role.OPERATOR, invoke(MASTER, "reload").role());
        assertEquals(Role.ADMIN, invoke(SERVICE, "cleanup").role());
        assertEquals(Role.ADMIN, invoke(MASTER, "updateBundle").role());
        assertEquals(Role.ADMIN, invoke(MASTER, "refreshBundles").role());
        assertEquals(Role.ADMIN, JmxGuard.decide("setAttribute", new Object[] {SERVICE, null}).role());
        assertEquals(Role.MONITOR, JmxGuard.decide("getAttribute", new Object[] {SERVICE, "TotalProcesses"}).role());
    }

    @Test
    void codeLoadingIsRefusedToEveryRole() {
        for (String method : new String[] {"createMBean", "unregisterMBean"}) {
            assertNotNull(JmxGuard.decide(method, new Object[] {MASTER}).refusal(), method);
        }
        ObjectName dcmd = name("com.sun.management:type=DiagnosticCommand");
        for (String command : new String[] {"jvmtiAgentLoad", "vmSetFlag", "managementAgentStart", "compilerDirectivesAdd",
            "gcHeapDump", "jfrStart", "vmLog"}) {
            assertNotNull(invoke(dcmd, command).refusal(), command);
        }
        assertNull(invoke(dcmd, "threadPrint").refusal());
        assertEquals(Role.ADMIN, invoke(dcmd, "threadPrint").role());
        ObjectName hotspot = name("com.sun.management:type=HotSpotDiagnostic");
        assertNotNull(invoke(hotspot, "dumpHeap").refusal());
        assertNotNull(invoke(hotspot, "setVMOption").refusal());
        assertNotNull(invoke(name("jdk.management.jfr:type=FlightRecorder"), "startRecording").refusal());
    }

    @Test
    void theJdksOtherOperationsNeedAdminButReadsAndGc() {
        assertEquals(Role.ADMIN, invoke(name("java.util.logging:type=Logging"), "setLoggerLevel").role());
        assertEquals(Role.MONITOR, invoke(name("java.util.logging:type=Logging"), "getLoggerLevel").role());
        assertEquals(Role.MONITOR, invoke(name("java.lang:type=Threading"), "dumpAllThreads").role());
        assertEquals(Role.ADMIN, invoke(name("java.lang:type=Threading"), "resetPeakThreadCount").role());
        assertEquals(Role.OPERATOR, invoke(name("java.lang:type=Memory"), "gc").role());
        assertEquals(Role.ADMIN, invoke(name("some.app:type=Thing"), "anything").role());
    }

    @Test
    void theAuditLogCannotBeSilenced() {
        ObjectName logging = name("java.util.logging:type=Logging");
        for (String logger : new String[] {"org.jmaster.jmx", "org.jmaster.jmx.child"}) {
            assertNotNull(JmxGuard.decide("invoke", new Object[] {logging, "setLoggerLevel",
                new Object[] {logger, "OFF"}, null}).refusal(), logger);
        }
        assertEquals(Role.ADMIN, JmxGuard.decide("invoke", new Object[] {logging, "setLoggerLevel",
            new Object[] {"org.jmaster.master", "FINE"}, null}).role());
        JmxGuard.forwarder(false); // loads the class, which pins the audit logger's level
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
        try {
            assertTrue(java.util.logging.Logger.getLogger("org.jmaster.jmx").isLoggable(java.util.logging.Level.INFO));
        } finally {
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        }
    }

    private static JmxGuard.Decision invoke(ObjectName mbean, String operation) {
        return JmxGuard.decide("invoke", new Object[] {mbean, operation, null, null});
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
