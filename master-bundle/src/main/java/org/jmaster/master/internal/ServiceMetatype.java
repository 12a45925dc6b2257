package org.jmaster.master.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The metatype of the factory {@code org.jmaster.service}: exactly the master.cf columns, with
 * their master.cf values, so that a master.cf line can be copied column by column.
 */
@ObjectClassDefinition(id = "org.jmaster.service", name = "jmaster service",
        description = "One supervised service: the columns of a master.cf line.")
@interface ServiceMetatype {
    @AttributeDefinition(name = "service", description = "Service name: [host:]port for inet, a socket name otherwise.")
    String service();

    @AttributeDefinition(name = "type", description = "Transport type.", options = {
        @Option(label = "inet", value = "inet"), @Option(label = "unix", value = "unix"),
        @Option(label = "unix-dgram", value = "unix-dgram"), @Option(label = "fifo", value = "fifo"),
        @Option(label = "pass", value = "pass")})
    String type();

    @AttributeDefinition(name = "private", description = "y, n or - (y). inet must be n.")
    String private$() default "-";

    @AttributeDefinition(name = "unpriv", description = "y, n or - (y): children get -u.")
    String unpriv() default "-";

    @AttributeDefinition(name = "chroot", description = "y, n or - (n): children get -c.")
    String chroot() default "-";

    @AttributeDefinition(name = "wakeup", description = "Seconds between wakeup triggers, N? to wait for the first spawn, - for none.")
    String wakeup() default "-";

    @AttributeDefinition(name = "maxproc", description = "Process limit, 0 for unlimited, - for default_process_limit.")
    String maxproc() default "-";

    @AttributeDefinition(name = "command", description = "The command and its arguments, as in master.cf.")
    String command();
}
