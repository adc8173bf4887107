package ocelot.control.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code completion}: a bash/zsh completion script; {@code source <(ocelotctl completion)}. */
@Command(name = "completion", description = "Print a bash/zsh completion script: source <(ocelotctl completion)")
final class CompletionCommand implements Runnable {
    @ParentCommand
    OcelotCtl root;

    @Override
    public void run() {
        CommandLine cl = root.commandLine();
        root.out.print(AutoComplete.bash("ocelotctl", cl));
    }
}
