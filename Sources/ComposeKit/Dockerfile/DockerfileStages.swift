/// Walks a Dockerfile's instructions stage by stage, keeping each stage's
/// image config so a later `FROM <stage>` starts from it.
struct DockerfileStages {
    let escape: Character
    let buildArguments: [String: String]
    let baseEnvironment: [String: String]
    private var globalArguments: [String: String?] = [:]
    private var finished: [(name: String?, image: DockerfileImage)] = []
    private var stage: Stage?

    private struct Stage {
        var name: String?
        var image: DockerfileImage
        /// Declared `ARG`s; nil for one declared without a value.
        var arguments: [String: String?] = [:]
        /// An `ENTRYPOINT` clears a `CMD` inherited from the base, not one set in this stage.
        var commandSetHere = false
    }

    init(escape: Character, buildArguments: [String: String], baseEnvironment: [String: String]) {
        self.escape = escape
        self.buildArguments = buildArguments
        self.baseEnvironment = baseEnvironment
    }

    mutating func apply(_ instruction: DockerfileInstruction) throws(DockerfileError) {
        switch instruction.keyword {
        case "FROM": try from(instruction)
        case "ARG": try argument(instruction)
        default:
            guard stage != nil else {
                throw instruction.error("\(instruction.keyword) before the first FROM; only ARG may come before it")
            }
            try applyInStage(instruction)
        }
    }

    func image(target: String?) throws(DockerfileError) -> DockerfileImage {
        let all = finished + (stage.map { [($0.name, $0.image)] } ?? [])
        guard let last = all.last else { throw DockerfileError(line: 1, "the Dockerfile has no FROM instruction, so it has no stage to run") }
        guard let target else { return last.image }
        guard let match = all.first(where: { $0.name == target.lowercased() }) else {
            let names = all.compactMap(\.name)
            let known = names.isEmpty ? "it names no stage (FROM image AS name)" : "its stages are \(names.joined(separator: ", "))"
            throw DockerfileError(line: 1, "build target \"\(target)\" is not a stage of this Dockerfile; \(known)")
        }
        return match.image
    }

    private mutating func applyInStage(_ instruction: DockerfileInstruction) throws(DockerfileError) {
        switch instruction.keyword {
        case "ENV": try environment(instruction)
        case "WORKDIR":
            let path = containerPath(try nonEmpty(instruction, expand(instruction.arguments, instruction)))
            stage?.image.workingDir = path
        case "COPY", "ADD": try copy(instruction)
        case "EXPOSE": try expose(instruction)
        case "CMD":
            let command = try commandLine(instruction)
            stage?.image.command = command
            stage?.commandSetHere = true
        case "ENTRYPOINT":
            let entrypoint = try commandLine(instruction)
            stage?.image.entrypoint = entrypoint
            if stage?.commandSetHere == false { stage?.image.command = nil }
        case "HEALTHCHECK":
            let check = try DockerfileHealthcheck(shell: currentShell).parse(instruction)
            stage?.image.healthcheck = check
        case "USER":
            let user = try nonEmpty(instruction, expand(instruction.arguments, instruction))
            stage?.image.user = user
        case "STOPSIGNAL":
            let signal = try nonEmpty(instruction, expand(instruction.arguments, instruction))
            stage?.image.stopSignal = signal
        case "SHELL": try shell(instruction)
        case "RUN": stage?.image.runLines.append(instruction.line)
        case "LABEL", "VOLUME", "ONBUILD", "MAINTAINER": break
        default:
            throw instruction.error("unknown instruction \(instruction.keyword)")
        }
    }

    private var currentShell: [String] { stage?.image.shell ?? DockerfileImage.defaultShell }

    // MARK: stages and arguments

    private mutating func from(_ instruction: DockerfileInstruction) throws(DockerfileError) {
        if let stage { finished.append((stage.name, stage.image)) }
        let words = DockerfileWords.split(instruction.arguments, escape: escape).drop { $0.hasPrefix("--") }
        let globals = globalArguments
        let substitution = DockerfileSubstitution(escape: escape, lookup: { globals[$0] ?? nil }, instruction: instruction)
        guard let base = words.first, words.count == 1 || (words.count == 3 && words[words.startIndex + 1].lowercased() == "as") else {
            throw instruction.error("FROM expects an image, optionally followed by AS and a stage name")
        }
        let image = try substitution.expand(base).lowercased()
        let name = words.count == 3 ? words.last?.lowercased() : nil
        let parent = (finished.last { $0.name == image })?.image
        stage = Stage(name: name, image: parent ?? DockerfileImage())
    }

    private mutating func argument(_ instruction: DockerfileInstruction) throws(DockerfileError) {
        let words = DockerfileWords.split(instruction.arguments, escape: escape)
        guard !words.isEmpty else { throw instruction.error("ARG needs a name, as in ARG NAME or ARG NAME=default") }
        for word in words {
            let name: String
            var value: String?
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                value = try expand(String(word[word.index(after: equals)...]), instruction)
            } else {
                name = word
                if stage != nil { value = globalArguments[name] ?? nil }
            }
            guard !name.isEmpty else { throw instruction.error("ARG needs a name before \"=\"") }
            value = buildArguments[name] ?? value
            if stage == nil {
                globalArguments[name] = .some(value)
            } else {
                stage?.arguments[name] = .some(value)
            }
        }
    }

    // MARK: instructions

    private mutating func environment(_ instruction: DockerfileInstruction) throws(DockerfileError) {
        let words = DockerfileWords.split(instruction.arguments, escape: escape)
        guard let first = words.first else { throw instruction.error("ENV needs NAME=value") }
        var pairs: [(String, String)] = []
        if !first.contains("=") {
            let value = instruction.arguments.dropFirst(first.count).trimmingWhitespace()
            guard !value.isEmpty else { throw instruction.error("ENV \(first) needs a value (ENV NAME=value, or the legacy ENV NAME value)") }
            pairs.append((first, try expand(String(value), instruction)))
        } else {
            for word in words {
                guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                    throw instruction.error("ENV expects NAME=value pairs, got \"\(word)\"")
                }
                // Every value of one ENV line sees the variables as they were before it, as in Docker.
                pairs.append((String(word[..<equals]), try expand(String(word[word.index(after: equals)...]), instruction)))
            }
        }
        for (name, value) in pairs {
            stage?.image.environment[name] = value
        }
    }

    private mutating func copy(_ instruction: DockerfileInstruction) throws(DockerfileError) {
        let all = DockerfileWords.jsonList(instruction.arguments) ?? DockerfileWords.split(instruction.arguments, escape: escape)
        let flags = all.prefix { $0.hasPrefix("--") }
        // A copy from another stage or image is not the build context.
        guard !flags.contains(where: { $0.hasPrefix("--from") }) else { return }
        let words = all.dropFirst(flags.count)
        guard words.count >= 2, let destination = words.last else {
            throw instruction.error("\(instruction.keyword) needs at least one source and a destination")
        }
        let sources = try words.dropLast().map { (word: String) throws(DockerfileError) -> String in try expand(word, instruction) }
        guard stage?.image.contextDestination == nil, sources.contains(where: { $0 == "." || $0 == "./" }) else { return }
        let path = containerPath(try expand(destination, instruction))
        stage?.image.contextDestination = path
    }

    private mutating func expose(_ instruction: DockerfileInstruction) throws(DockerfileError) {
        let words = DockerfileWords.split(instruction.arguments, escape: escape)
        guard !words.isEmpty else { throw instruction.error("EXPOSE needs a port, as in EXPOSE 8000 or EXPOSE 8000/tcp") }
        for word in words {
            let text = try expand(word, instruction)
            guard let ports = Self.exposedPorts(text) else {
                throw instruction.error("EXPOSE expects a port like 8000, 8000/tcp or 8000-8010/udp, got \"\(text)\"")
            }
            let known = stage?.image.exposedPorts ?? []
            stage?.image.exposedPorts = known + ports.filter { !known.contains($0) }
        }
    }

    static func exposedPorts(_ text: String) -> [ExposedPort]? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let proto = parts.count == 2 ? parts[1].lowercased() : "tcp"
        guard parts.count <= 2, ["tcp", "udp", "sctp"].contains(proto) else { return nil }
        let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil,
              (1...65535).contains(low), (low...65535).contains(high) else { return nil }
        return (low...high).map { ExposedPort(port: $0, protocol: proto) }
    }

    private func commandLine(_ instruction: DockerfileInstruction) throws(DockerfileError) -> CommandLine {
        try DockerfileCommand(shell: currentShell).commandLine(instruction.arguments, instruction)
    }

    private mutating func shell(_ instruction: DockerfileInstruction) throws(DockerfileError) {
        guard let words = DockerfileWords.jsonList(instruction.arguments), !words.isEmpty else {
            throw instruction.error("SHELL needs a JSON list, as in SHELL [\"/bin/bash\", \"-c\"]")
        }
        stage?.image.shell = words
    }

    // MARK: helpers

    private func expand(_ text: String, _ instruction: DockerfileInstruction) throws(DockerfileError) -> String {
        let environment = stage?.image.environment ?? [:]
        let arguments = stage?.arguments ?? globalArguments
        let base = baseEnvironment
        let lookup: (String) -> String? = { name in
            if let value = environment[name] { return value }
            if let declared = arguments[name] { return declared }
            return base[name]
        }
        return try DockerfileSubstitution(escape: escape, lookup: lookup, instruction: instruction).expand(text)
    }

    private func nonEmpty(_ instruction: DockerfileInstruction, _ value: String) throws(DockerfileError) -> String {
        guard !value.isEmpty else { throw instruction.error("\(instruction.keyword) needs a value") }
        return value
    }

    /// A container path as `WORKDIR` and `COPY` resolve it: relative to the current `WORKDIR`.
    private func containerPath(_ path: String) -> String {
        let base = stage?.image.workingDir ?? "/"
        return PathResolver.normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }
}
