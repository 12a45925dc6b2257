package org.jmaster.policy.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.jmaster.api.ExitStatus;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.postfix.ProcessState;
import org.jmaster.api.postfix.StatusRecord;
import org.jmaster.api.spi.policy.ChildState;
import org.jmaster.api.spi.policy.ServiceState;

/** The policy under test, its fake master, and short ways to say what children and clients do. */
class PolicyFixture {
    final FakeContext context = new FakeContext();
    final PostfixPolicy policy = new PostfixPolicy();

    PolicyFixture() {
        context.policy = policy;
    }

    /** A started service from a master.cf line; {@code localOnly} as the endpoints would say. */
    ServiceState start(String masterCfLine, boolean localOnly) {
        ServiceDefinition definition = ServiceDefinition.parse(masterCfLine, 100);
        ServiceState service = new ServiceState(definition.name(), definition,
                "/usr/libexec/postfix/" + definition.command().get(0));
        service.setLocalOnly(localOnly);
        service.setThrottleDelayMillis(60_000);
        context.services.add(service);
        policy.availListen(service, context);
        return service;
    }

    /** A client connects: the listener reports the listen socket readable if it is watched. */
    void connect(ServiceState service) {
        if (service.isListening()) {
            policy.listenReady(service, context);
        }
    }

    /** The newest child of the service. */
    ChildState newest(ServiceState service) {
        ChildState newest = null;
        for (ChildState child : service.children()) {
            if (newest == null || child.generation() > newest.generation()) {
                newest = child;
            }
        }
        assertNotNull(newest, "no child");
        return newest;
    }

    /** A client connects and the spawned child accepts it. */
    ChildState connectAndTake(ServiceState service) {
        connect(service);
        ChildState child = newest(service);
        taken(service, child);
        return child;
    }

    void taken(ServiceState service, ChildState child) {
        policy.statusUpdate(service, StatusRecord.taken(child.pid(), child.generation()), context);
    }

    void avail(ServiceState service, ChildState child) {
        policy.statusUpdate(service, StatusRecord.avail(child.pid(), child.generation()), context);
    }

    void exit(ServiceState service, ChildState child, ExitStatus status) {
        policy.childExited(service, child.pid(), status, context);
    }
}
