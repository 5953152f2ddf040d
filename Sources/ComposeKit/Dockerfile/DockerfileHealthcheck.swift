/// `HEALTHCHECK [--interval=…] [--timeout=…] [--start-period=…]
/// [--start-interval=…] [--retries=…] CMD command` and `HEALTHCHECK NONE`,
/// with Docker's defaults (30s, 30s, 0s, 5s, 3) for what it leaves out.
struct DockerfileHealthcheck {
    let shell: [String]

    func parse(_ instruction: DockerfileInstruction) throws(DockerfileError) -> Healthcheck {
        var check = Healthcheck()
        var rest = Substring(instruction.arguments)
        while rest.hasPrefix("--") {
            let flag = rest.prefix { $0 != " " && $0 != "\t" }
            try apply(flag.dropFirst(2), to: &check, instruction)
            rest = rest.dropFirst(flag.count).trimmingWhitespace()
        }
        let keyword = rest.prefix { $0 != " " && $0 != "\t" }.uppercased()
        let command = rest.dropFirst(keyword.count).trimmingWhitespace()
        switch keyword {
        case "NONE":
            guard command.isEmpty else { throw instruction.error("HEALTHCHECK NONE takes no other arguments") }
            return Healthcheck(test: Healthcheck.Test.none)
        case "CMD":
            check.test = try test(String(command), instruction)
            return check
        default:
            throw instruction.error("HEALTHCHECK expects CMD followed by a command, or NONE")
        }
    }

    private func test(_ command: String, _ instruction: DockerfileInstruction) throws(DockerfileError) -> Healthcheck.Test {
        switch try DockerfileCommand(shell: shell).commandLine(command, instruction) {
        case let .exec(words):
            guard !words.isEmpty else { throw instruction.error("HEALTHCHECK CMD needs a command") }
            return .exec(words)
        case let .shell(text):
            return .shell(text)
        }
    }

    private func apply(_ flag: Substring, to check: inout Healthcheck, _ instruction: DockerfileInstruction) throws(DockerfileError) {
        guard let equals = flag.firstIndex(of: "=") else {
            throw instruction.error("HEALTHCHECK flag --\(flag) needs a value (--\(flag)=…)")
        }
        let name = String(flag[..<equals])
        let value = String(flag[flag.index(after: equals)...])
        switch name {
        case "interval": check.interval = try duration(name, value, instruction) ?? check.interval
        case "timeout": check.timeout = try duration(name, value, instruction) ?? check.timeout
        case "start-period": check.startPeriod = try duration(name, value, instruction) ?? check.startPeriod
        case "start-interval": check.startInterval = try duration(name, value, instruction) ?? check.startInterval
        case "retries":
            guard let retries = Int(value), retries >= 0 else {
                throw instruction.error("HEALTHCHECK --retries expects a whole number of 0 or more, got \"\(value)\"")
            }
            if retries > 0 { check.retries = retries }
        default:
            throw instruction.error("unknown HEALTHCHECK flag --\(name); known: --interval, --timeout, --start-period, --start-interval, --retries")
        }
    }

    /// nil for 0, which means Docker's default.
    private func duration(_ name: String, _ value: String, _ instruction: DockerfileInstruction) throws(DockerfileError) -> Duration? {
        guard let duration = DurationParser.parse(value), duration >= .zero else {
            throw instruction.error("HEALTHCHECK --\(name) expects a duration like 30s or 1m30s, got \"\(value)\"")
        }
        return duration == .zero ? nil : duration
    }
}
