package org.jmaster.spawner.internal;

import java.util.ArrayList;
import java.util.List;
import org.jmaster.api.MasterSettings;
import org.jmaster.api.ServiceDefinition;
import org.jmaster.api.StressArgument;

/**
 * NAME
 *     Argv - the child's argument vector (Postfix master_ent.c, section 3.3)
 * DESCRIPTION
 *     In Postfix's fixed order: the command as written; -l for a process limit of 1 ("solitary");
 *     -z for 0 ("unlimited"); -n name when the command's basename differs from the service name;
 *     -t type; -d when the master runs with debug (Postfix: master -d), -v with verbose (master
 *     -v); -u when unprivileged; -c when chrooted; -o stress= or -o stress=yes for
 *     stress-eligible services; -s N for more than one listen socket; then the remaining words,
 *     brace groups as one word. Children stop parsing options at the first non-option word, which
 *     is why the master's flags come first.
 */
final class Argv {
    private Argv() {
    }

    static List<String> of(ServiceDefinition definition, MasterSettings settings, StressArgument stress,
            int listenCount) {
        List<String> command = definition.command();
        String program = command.get(0);
        List<String> argv = new ArrayList<>(command.size() + 10);
        argv.add(program);
        if (definition.processLimit() == 1) {
            argv.add("-l");
        }
        if (definition.processLimit() == 0) {
            argv.add("-z");
        }
        if (!program.substring(program.lastIndexOf('/') + 1).equals(definition.name())) {
            argv.add("-n");
            argv.add(definition.name());
        }
        argv.add("-t");
        argv.add(definition.type().column());
        if (settings.debug()) {
            argv.add("-d");
        }
        if (settings.verbose()) {
            argv.add("-v");
        }
        if (definition.unprivileged()) {
            argv.add("-u");
        }
        if (definition.chroot()) {
            argv.add("-c");
        }
        if (stress != StressArgument.NONE) {
            argv.add("-o");
            argv.add(stress.option());
        }
        if (listenCount > 1) {
            argv.add("-s");
            argv.add(Integer.toString(listenCount));
        }
        argv.addAll(command.subList(1, command.size()));
        return argv;
    }
}
