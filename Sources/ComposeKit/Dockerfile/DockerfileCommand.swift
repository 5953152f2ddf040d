/// `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` arguments: a JSON list is the
/// exec form; anything else is the shell form, run by the stage's `SHELL`.
struct DockerfileCommand {
    let shell: [String]

    func commandLine(_ arguments: String, _ instruction: DockerfileInstruction) throws(DockerfileError) -> CommandLine {
        if let words = DockerfileWords.jsonList(arguments) { return .exec(words) }
        guard !arguments.isEmpty else { throw instruction.error("\(instruction.keyword) needs a command") }
        return shell == DockerfileImage.defaultShell ? .shell(arguments) : .exec(shell + [arguments])
    }
}
