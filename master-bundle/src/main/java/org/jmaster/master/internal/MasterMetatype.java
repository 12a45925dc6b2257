package org.jmaster.master.internal;

import org.jmaster.api.MasterSettings;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The metatype of {@code org.jmaster.master}, for Karaf and the Felix web console; the defaults
 * are MasterSettings', the one home of them.
 */
@ObjectClassDefinition(id = MasterSettings.PID, name = "jmaster master",
        description = "Master-wide parameters, with Postfix's main.cf names where Postfix has one.")
@interface MasterMetatype {
    @AttributeDefinition(name = "queue_directory",
            description = "Working directory of the children; unix and pass sockets live in its private/ and public/.")
    String queue__directory() default MasterSettings.DEFAULT_QUEUE_DIRECTORY;

    @AttributeDefinition(name = "config_directory", description = "Given to children as MAIL_CONFIG.")
    String config__directory() default MasterSettings.DEFAULT_CONFIG_DIRECTORY;

    @AttributeDefinition(name = "daemon_directory", description = "Where relative commands are found.")
    String daemon__directory() default MasterSettings.DEFAULT_DAEMON_DIRECTORY;

    @AttributeDefinition(name = "default_process_limit", description = "The process limit of services whose maxproc is -.")
    int default__process__limit() default MasterSettings.DEFAULT_PROCESS_LIMIT;

    @AttributeDefinition(name = "service_throttle_time",
            description = "How long a service is throttled after a bad start-up (Postfix time: 60s, 1m).")
    String service__throttle__time() default MasterSettings.DEFAULT_SERVICE_THROTTLE_TIME;

    @AttributeDefinition(name = "import_environment",
            description = "Environment names (or name=value) children receive, separated by spaces or commas.")
    String import__environment() default MasterSettings.DEFAULT_IMPORT_ENVIRONMENT;

    @AttributeDefinition(name = "inet_interfaces",
            description = "Addresses of inet services without a host: all, loopback-only, or a list.")
    String inet__interfaces() default MasterSettings.DEFAULT_INET_INTERFACES;

    @AttributeDefinition(name = "inet_protocols", description = "all, ipv4, ipv6, or ipv4, ipv6.")
    String inet__protocols() default MasterSettings.DEFAULT_INET_PROTOCOLS;

    @AttributeDefinition(name = "stop_timeout",
            description = "How long a cleanup waits after SIGTERM before SIGKILL (Postfix time).")
    String stop__timeout() default MasterSettings.DEFAULT_STOP_TIMEOUT;

    @AttributeDefinition(name = "mail_owner",
            description = "Owner of the queue's private/ and public/ and of their sockets; what -u children become.")
    String mail__owner() default MasterSettings.DEFAULT_MAIL_OWNER;

    @AttributeDefinition(name = "setgid_group", description = "Group of the queue's public/ (postdrop's group).")
    String setgid__group() default MasterSettings.DEFAULT_SETGID_GROUP;

    @AttributeDefinition(name = "master_cf", description = "Path of a master.cf file whose services to run; empty for none.",
            required = false)
    String master__cf() default "";

    @AttributeDefinition(name = "master_service_disable",
            description = "Disabled master.cf services: type or name/type patterns.", required = false)
    String master__service__disable() default "";

    @AttributeDefinition(name = "data_directory", description = "Where Postfix's master.lock is, which bin/jmaster locks (main.cf's when there is one).")
    String data__directory() default MasterSettings.DEFAULT_DATA_DIRECTORY;

    @AttributeDefinition(name = "compatibility_level",
            description = "Postfix's compatibility_level: below 1, a chroot column of - means y.")
    String compatibility__level() default "1";

    @AttributeDefinition(name = "maillog_file",
            description = "When set, the master logs through the postlog service, which writes this file.", required = false)
    String maillog__file() default "";

    @AttributeDefinition(name = "syslog_name", description = "The master logs to syslog as syslog_name/master.")
    String syslog__name() default "postfix";

    @AttributeDefinition(name = "syslog_facility", description = "The syslog facility of the master's messages.")
    String syslog__facility() default "mail";

    @AttributeDefinition(name = "postlog_service_name", description = "The unix-dgram service under public/ that postlogd reads.")
    String postlog__service__name() default "postlog";

    @AttributeDefinition(name = "strict_start", description = "A bad master.cf line or a service that cannot start is fatal"
            + " at start-up, as in Postfix (default yes when config_directory holds a main.cf).")
    boolean strict__start() default false;

    @AttributeDefinition(name = "master_cf_watch",
            description = "Reload when master_cf changes (off: on SIGHUP, postfix reload or JMX only, as Postfix).")
    boolean master__cf__watch() default false;

    @AttributeDefinition(name = "verbose", description = "Children get -v, as under master -v.")
    boolean verbose() default false;

    @AttributeDefinition(name = "debug", description = "Children get -d, as under master -d.")
    boolean debug() default false;

    @AttributeDefinition(name = "child_stderr",
            description = "A file the children's standard error is appended to (empty: /dev/null).", required = false)
    String child__stderr() default "";
}
