package org.jmaster.policy.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.jmaster.api.ChildProcess;
import org.jmaster.api.ExitStatus;
import org.jmaster.api.ProcessState;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.ServiceRuntime;
import org.jmaster.api.StatusRecord;

/** The policy under test, its fake master, and short ways to say what children and clients do. */
class PolicyFixture {
    final FakeContext context = new FakeContext();
    final PostfixPolicy policy = new PostfixPolicy();

    /** A started service from a master.cf line; {@code localOnly} as the endpoints would say. */
    ServiceRuntime start(String masterCfLine, boolean localOnly) {
        ServiceDefinition definition = ServiceDefinition.parse(masterCfLine, 100);
        ServiceRuntime service = new ServiceRuntime(definition.name(), definition,
                "/usr/libexec/postfix/" + definition.command().get(0));
        service.setLocalOnly(localOnly);
        service.setThrottleDelayMillis(60_000);
        context.services.add(service);
        policy.availListen(service, context);
        return service;
    }

    /** A client connects: the listener reports the listen socket readable if it is watched. */
    void connect(ServiceRuntime service) {
        if (service.isListening()) {
            policy.listenReady(service, context);
        }
    }

    /** The newest child of the service. */
    ChildProcess newest(ServiceRuntime service) {
        ChildProcess newest = null;
        for (ChildProcess child : service.children()) {
            if (newest == null || child.generation() > newest.generation()) {
                newest = child;
            }
        }
        assertNotNull(newest, "no child");
        return newest;
    }

    /** A client connects and the spawned child accepts it. */
    ChildProcess connectAndTake(ServiceRuntime service) {
        connect(service);
        ChildProcess child = newest(service);
        taken(service, child);
        return child;
    }

    void taken(ServiceRuntime service, ChildProcess child) {
        policy.statusUpdate(service, StatusRecord.of(child.pid(), child.generation(), ProcessState.TAKEN), context);
    }

    void avail(ServiceRuntime service, ChildProcess child) {
        policy.statusUpdate(service, StatusRecord.of(child.pid(), child.generation(), ProcessState.AVAIL), context);
    }

    void exit(ServiceRuntime service, ChildProcess child, ExitStatus status) {
        policy.childExited(service, child.pid(), status, context);
    }
}
