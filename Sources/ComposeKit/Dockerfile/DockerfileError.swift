/// Why a Dockerfile cannot be read as Docker reads it, and where: the line
/// (1-based) and column of the instruction at fault.
public struct DockerfileError: Error, Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int = 1, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}
