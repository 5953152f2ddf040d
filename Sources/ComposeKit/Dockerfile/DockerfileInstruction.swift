/// One instruction of a Dockerfile, its continuation lines joined: the keyword
/// upper-cased, the arguments as written, and where it starts.
struct DockerfileInstruction: Sendable, Equatable {
    var keyword: String
    var arguments: String
    var line: Int
    var column: Int

    func error(_ message: String) -> DockerfileError {
        DockerfileError(line: line, column: column, message)
    }
}
