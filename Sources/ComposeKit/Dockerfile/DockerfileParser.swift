/// Reads the image config a Dockerfile's stage would have, without building
/// anything: the last stage (or `target`), with `ARG`s, build arguments and
/// `${VAR}` substitution applied where Docker applies them. Pure: no process
/// runs, no file is read.
public struct DockerfileParser: Sendable {
    /// `build.args`: values for the Dockerfile's `ARG`s, over their defaults.
    public var buildArguments: [String: String]
    /// The base image's environment, for variables the Dockerfile reads but
    /// never sets (`ENV PATH=/app/bin:$PATH`): here, the host's.
    public var baseEnvironment: [String: String]
    /// `build.target`: the stage to read instead of the last one.
    public var target: String?

    public init(buildArguments: [String: String] = [:], baseEnvironment: [String: String] = [:], target: String? = nil) {
        self.buildArguments = buildArguments
        self.baseEnvironment = baseEnvironment
        self.target = target
    }

    public func parse(_ text: String) throws(DockerfileError) -> DockerfileImage {
        let lines = try DockerfileLines(text)
        var stages = DockerfileStages(escape: lines.escape, buildArguments: buildArguments, baseEnvironment: baseEnvironment)
        for instruction in lines.instructions {
            try stages.apply(instruction)
        }
        return try stages.image(target: target)
    }
}
