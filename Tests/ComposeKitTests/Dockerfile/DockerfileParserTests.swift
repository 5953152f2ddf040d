import Testing
@testable import ComposeKit

/// The image config each Dockerfile instruction leaves, read without building.
@Suite struct DockerfileParserTests {
    private func parse(_ text: String, arguments: [String: String] = [:], base: [String: String] = [:], target: String? = nil) throws -> DockerfileImage {
        try DockerfileParser(buildArguments: arguments, baseEnvironment: base, target: target).parse(text)
    }

    private func failure(_ text: String, target: String? = nil) -> DockerfileError? {
        do {
            _ = try DockerfileParser(target: target).parse(text)
            return nil
        } catch {
            return error
        }
    }

    struct EnvironmentCase: Sendable, CustomTestStringConvertible {
        var lines: String
        var expected: [String: String]
        var testDescription: String { lines }
    }

    static let environmentCases: [EnvironmentCase] = [
        .init(lines: "ENV A=1", expected: ["A": "1"]),
        .init(lines: "ENV A=1 B=2", expected: ["A": "1", "B": "2"]),
        .init(lines: "ENV A 1", expected: ["A": "1"]),
        .init(lines: "ENV A hello big world", expected: ["A": "hello big world"]),
        .init(lines: "ENV A=\"hello world\"", expected: ["A": "hello world"]),
        .init(lines: "ENV A='$B literal'", expected: ["A": "$B literal"]),
        .init(lines: "ENV A=hello\\ world", expected: ["A": "hello world"]),
        .init(lines: "ENV A=1\nENV B=${A}2", expected: ["A": "1", "B": "12"]),
        .init(lines: "ENV A=1\nENV B=$A-x", expected: ["A": "1", "B": "1-x"]),
        .init(lines: "ENV A=1\nENV A=2 B=$A", expected: ["A": "2", "B": "1"]),
        .init(lines: "ENV B=${UNSET:-fallback}", expected: ["B": "fallback"]),
        .init(lines: "ENV E=\nENV B=${E:-empty} C=${E-set}", expected: ["E": "", "B": "empty", "C": ""]),
        .init(lines: "ENV A=1\nENV B=${A:+alt} C=${UNSET:+alt}", expected: ["A": "1", "B": "alt", "C": ""]),
        .init(lines: "ENV B=${UNSET:-${ALSO_UNSET:-nested}}", expected: ["B": "nested"]),
        .init(lines: "ENV A=\"x\\\"y\" B=\"\\$A\"", expected: ["A": "x\"y", "B": "$A"]),
        .init(lines: "ENV A=cost$ B=$", expected: ["A": "cost$", "B": "$"]),
        .init(lines: "ARG V=3\nENV A=v$V", expected: ["A": "v3"]),
        .init(lines: "ARG V=3\nENV V=4\nENV A=$V", expected: ["V": "4", "A": "4"]),
    ]

    @Test(arguments: environmentCases)
    func environmentForms(_ row: EnvironmentCase) throws {
        let image = try parse("FROM base\n" + row.lines)
        #expect(image.environment == row.expected)
    }

    @Test func aVariableTheDockerfileNeverSetsComesFromTheBaseEnvironment() throws {
        let image = try parse("FROM python:3.11-slim\nENV PATH=/root/.local/bin:$PATH", base: ["PATH": "/usr/bin:/bin"])
        #expect(image.environment["PATH"] == "/root/.local/bin:/usr/bin:/bin")
    }

    @Test func buildArgumentsOverrideArgDefaultsAndGlobalArgsReachTheStageOnlyWhenRedeclared() throws {
        let text = """
            ARG VERSION=1
            ARG PLAIN=p
            FROM base:${VERSION}
            ARG VERSION
            ENV V=$VERSION P=${PLAIN:-not-redeclared}
            ARG MODE=dev
            ENV M=$MODE
            """
        #expect(try parse(text).environment == ["V": "1", "P": "not-redeclared", "M": "dev"])
        #expect(try parse(text, arguments: ["VERSION": "2", "MODE": "prod"]).environment == ["V": "2", "P": "not-redeclared", "M": "prod"])
    }

    @Test func argumentsAreNotInTheImageEnvironment() throws {
        #expect(try parse("FROM base\nARG TOKEN=secret").environment.isEmpty)
    }

    struct CommandCase: Sendable, CustomTestStringConvertible {
        var lines: String
        var entrypoint: CommandLine?
        var command: CommandLine?
        var testDescription: String { lines }
    }

    static let commandCases: [CommandCase] = [
        .init(lines: "CMD [\"python3\", \"-m\", \"http.server\"]", command: .exec(["python3", "-m", "http.server"])),
        .init(lines: "CMD python3 -m http.server $PORT", command: .shell("python3 -m http.server $PORT")),
        .init(lines: "CMD [\"broken\"", command: .shell("[\"broken\"")),
        .init(lines: "CMD []", command: .exec([])),
        .init(lines: "ENTRYPOINT [\"./run\"]\nCMD [\"--fast\"]", entrypoint: .exec(["./run"]), command: .exec(["--fast"])),
        .init(lines: "CMD [\"--fast\"]\nENTRYPOINT [\"./run\"]", entrypoint: .exec(["./run"]), command: .exec(["--fast"])),
        .init(lines: "ENTRYPOINT exec ./run", entrypoint: .shell("exec ./run")),
        .init(lines: "SHELL [\"/bin/bash\", \"-c\"]\nCMD echo $0", command: .exec(["/bin/bash", "-c", "echo $0"])),
        .init(lines: "CMD one\nCMD two", command: .shell("two")),
        .init(lines: "CMD [\"a\", \\\n     \"b\"]", command: .exec(["a", "b"])),
    ]

    @Test(arguments: commandCases)
    func commandForms(_ row: CommandCase) throws {
        let image = try parse("FROM base\n" + row.lines)
        #expect(image.entrypoint == row.entrypoint)
        #expect(image.command == row.command)
    }

    @Test func anEntrypointClearsACommandInheritedFromTheBaseStage() throws {
        let image = try parse("FROM base AS one\nCMD [\"serve\"]\nFROM one\nENTRYPOINT [\"./run\"]")
        #expect(image.entrypoint == .exec(["./run"]))
        #expect(image.command == nil)
    }

    struct WorkdirCase: Sendable, CustomTestStringConvertible {
        var lines: String
        var workingDir: String
        var contextDestination: String?
        var testDescription: String { lines }
    }

    static let workdirCases: [WorkdirCase] = [
        .init(lines: "", workingDir: "/"),
        .init(lines: "WORKDIR /app", workingDir: "/app"),
        .init(lines: "WORKDIR /app\nWORKDIR src", workingDir: "/app/src"),
        .init(lines: "WORKDIR /app/\nWORKDIR ../srv/./x", workingDir: "/srv/x"),
        .init(lines: "ENV ROOT=/opt\nWORKDIR $ROOT/app", workingDir: "/opt/app"),
        .init(lines: "WORKDIR /app\nCOPY . .", workingDir: "/app", contextDestination: "/app"),
        .init(lines: "WORKDIR /app\nCOPY ./ src/\nWORKDIR src/pkg", workingDir: "/app/src/pkg", contextDestination: "/app/src"),
        .init(lines: "COPY --chown=app . /srv\nWORKDIR /", workingDir: "/", contextDestination: "/srv"),
        .init(lines: "WORKDIR /app\nCOPY --from=builder /root/.local /root/.local\nCOPY requirements.txt .", workingDir: "/app"),
        .init(lines: "WORKDIR /app\nCOPY [\".\", \"/code\"]", workingDir: "/app", contextDestination: "/code"),
    ]

    @Test(arguments: workdirCases)
    func workingDirectoryAndWhereTheContextWasCopied(_ row: WorkdirCase) throws {
        let image = try parse("FROM base\n" + row.lines)
        #expect(image.workingDir == row.workingDir)
        #expect(image.contextDestination == row.contextDestination)
    }

    struct ExposeCase: Sendable, CustomTestStringConvertible {
        var line: String
        var ports: [ExposedPort]
        var testDescription: String { line }
    }

    static let exposeCases: [ExposeCase] = [
        .init(line: "EXPOSE 8000", ports: [ExposedPort(port: 8000)]),
        .init(line: "EXPOSE 8000/tcp 53/UDP", ports: [ExposedPort(port: 8000), ExposedPort(port: 53, protocol: "udp")]),
        .init(line: "EXPOSE 7000-7002", ports: [7000, 7001, 7002].map { ExposedPort(port: $0) }),
        .init(line: "EXPOSE 80 80/tcp", ports: [ExposedPort(port: 80)]),
        .init(line: "ARG P=9000\nEXPOSE $P", ports: [ExposedPort(port: 9000)]),
    ]

    @Test(arguments: exposeCases)
    func exposedPorts(_ row: ExposeCase) throws {
        #expect(try parse("FROM base\n" + row.line).exposedPorts == row.ports)
    }

    struct HealthcheckCase: Sendable, CustomTestStringConvertible {
        var line: String
        var expected: Healthcheck
        var testDescription: String { line }
    }

    static let healthcheckCases: [HealthcheckCase] = [
        .init(line: "HEALTHCHECK CMD curl -f http://localhost:8000/health/ || exit 1",
              expected: Healthcheck(test: .shell("curl -f http://localhost:8000/health/ || exit 1"))),
        .init(line: "HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \\\n    CMD curl -f http://localhost:8000/health/ || exit 1",
              expected: Healthcheck(test: .shell("curl -f http://localhost:8000/health/ || exit 1"), interval: .seconds(30), timeout: .seconds(10), retries: 3, startPeriod: .seconds(40))),
        .init(line: "HEALTHCHECK --start-interval=2s --interval=1m30s CMD [\"pg_isready\", \"-U\", \"postgres\"]",
              expected: Healthcheck(test: .exec(["pg_isready", "-U", "postgres"]), interval: .seconds(90), startInterval: .seconds(2))),
        .init(line: "HEALTHCHECK --retries=0 --interval=0s cmd true",
              expected: Healthcheck(test: .shell("true"))),
        .init(line: "HEALTHCHECK NONE", expected: Healthcheck(test: Healthcheck.Test.none)),
        .init(line: "HEALTHCHECK none", expected: Healthcheck(test: Healthcheck.Test.none)),
    ]

    @Test(arguments: healthcheckCases)
    func healthchecks(_ row: HealthcheckCase) throws {
        #expect(try parse("FROM base\n" + row.line).healthcheck == row.expected)
    }

    @Test func userStopSignalAndRunLines() throws {
        let image = try parse("FROM base\nARG NAME=app\nRUN useradd $NAME\nUSER ${NAME}:staff\nRUN [\"true\"]\nSTOPSIGNAL SIGINT")
        #expect(image.user == "app:staff")
        #expect(image.stopSignal == "SIGINT")
        #expect(image.runLines == [3, 5])
    }

    @Test func theLastStageIsReadAndAStageBuiltOnAnotherInheritsItsConfig() throws {
        let text = """
            FROM python:3.11-slim as builder
            WORKDIR /build
            ENV STAGE=builder
            CMD ["build"]

            FROM builder AS test
            ENV MORE=1

            FROM python:3.11-slim
            WORKDIR /app
            CMD ["./entrypoint.sh"]
            """
        let last = try parse(text)
        #expect(last.workingDir == "/app")
        #expect(last.environment.isEmpty)
        #expect(last.command == .exec(["./entrypoint.sh"]))
        let test = try parse(text, target: "test")
        #expect(test.workingDir == "/build")
        #expect(test.environment == ["STAGE": "builder", "MORE": "1"])
        #expect(test.command == .exec(["build"]))
    }

    @Test func continuationsCommentsAndTheEscapeDirective() throws {
        let backslash = """
            # syntax=docker/dockerfile:1
            # escape=\\
            FROM base
            # a comment
            ENV A=1 \\
            # a comment inside the continuation

                B=2
              cmd ["run"]
            """
        let image = try parse(backslash)
        #expect(image.environment == ["A": "1", "B": "2"])
        #expect(image.command == .exec(["run"]))

        let backtick = "# escape=`\nFROM base\nWORKDIR C:\\app\nENV A=1 `\n    B=x`$y"
        let windows = try parse(backtick)
        #expect(windows.environment == ["A": "1", "B": "x$y"])
        #expect(windows.workingDir == "/C:\\app")
    }

    @Test func heredocBodiesAreNotInstructions() throws {
        let image = try parse("""
            FROM base
            RUN <<EOF
            CMD ["not", "an", "instruction"]
            EOF
            COPY <<-"SCRIPT" /app/run.sh
            \tENV NOT=one
            \tSCRIPT
            RUN python3 <<PY <<'SH'
            WORKDIR /nowhere
            PY
            EXPOSE 1
            SH
            RUN echo "<<NOT_A_HEREDOC"
            CMD ["real"]
            """)
        #expect(image.command == .exec(["real"]))
        #expect(image.environment.isEmpty)
        #expect(image.workingDir == "/")
        #expect(image.exposedPorts.isEmpty)
        #expect(image.runLines == [2, 8, 13])
    }

    @Test func aDirectiveAfterAnInstructionIsAComment() throws {
        let image = try parse("FROM base\n# escape=`\nENV A=x\\ y")
        #expect(image.environment == ["A": "x y"])
    }

    struct FailureCase: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var message: String
        var testDescription: String { message }
    }

    static let failureCases: [FailureCase] = [
        .init(text: "", line: 1, message: "has no FROM instruction"),
        .init(text: "# only a comment\n", line: 1, message: "has no FROM instruction"),
        .init(text: "ENV A=1\nFROM base", line: 1, message: "ENV before the first FROM"),
        .init(text: "FROM base\n\nFOO bar", line: 3, message: "unknown instruction FOO"),
        .init(text: "FROM base\nENV A", line: 2, message: "ENV A needs a value"),
        .init(text: "FROM base\nENV A=1 =2", line: 2, message: "ENV expects NAME=value pairs, got \"=2\""),
        .init(text: "FROM base\nENV A=\"open", line: 2, message: "unterminated double quote"),
        .init(text: "FROM base\nENV A='open", line: 2, message: "unterminated single quote"),
        .init(text: "FROM base\nENV A=${B", line: 2, message: "missing \"}\""),
        .init(text: "FROM base\nENV A=${B#x}", line: 2, message: "unsupported substitution in ${B...}"),
        .init(text: "FROM base\nENV A=${B:?required}", line: 2, message: "B: required"),
        .init(text: "FROM base\nENV A=${B:?}", line: 2, message: "B: is not set"),
        .init(text: "FROM base\nEXPOSE http", line: 2, message: "EXPOSE expects a port like 8000"),
        .init(text: "FROM base\nEXPOSE 8000/quic", line: 2, message: "EXPOSE expects a port like 8000"),
        .init(text: "FROM base\nEXPOSE 9-1", line: 2, message: "EXPOSE expects a port like 8000"),
        .init(text: "FROM base\nHEALTHCHECK --interval=soon CMD true", line: 2, message: "--interval expects a duration"),
        .init(text: "FROM base\nHEALTHCHECK --retries=-1 CMD true", line: 2, message: "--retries expects a whole number"),
        .init(text: "FROM base\nHEALTHCHECK --every=1s CMD true", line: 2, message: "unknown HEALTHCHECK flag --every"),
        .init(text: "FROM base\nHEALTHCHECK --interval CMD true", line: 2, message: "needs a value"),
        .init(text: "FROM base\nHEALTHCHECK curl localhost", line: 2, message: "HEALTHCHECK expects CMD"),
        .init(text: "FROM base\nHEALTHCHECK NONE now", line: 2, message: "HEALTHCHECK NONE takes no other arguments"),
        .init(text: "FROM base\nHEALTHCHECK CMD []", line: 2, message: "HEALTHCHECK CMD needs a command"),
        .init(text: "FROM base\nCMD", line: 2, message: "CMD needs a command"),
        .init(text: "FROM base\nSHELL /bin/bash -c", line: 2, message: "SHELL needs a JSON list"),
        .init(text: "FROM base\nWORKDIR", line: 2, message: "WORKDIR needs a value"),
        .init(text: "FROM base\nCOPY onlyone", line: 2, message: "COPY needs at least one source and a destination"),
        .init(text: "FROM base\nRUN <<EOF\necho hi\n EOF", line: 2, message: "the heredoc <<EOF has no closing EOF line"),
        .init(text: "FROM base\nRUN <<ONE <<TWO\na\nONE\nb\n", line: 2, message: "the heredoc <<TWO has no closing TWO line"),
        .init(text: "FROM base AS\n", line: 1, message: "FROM expects an image"),
        .init(text: "ARG =x\nFROM base", line: 1, message: "ARG needs a name"),
        .init(text: "# escape=/\nFROM base", line: 1, message: "invalid escape directive"),
    ]

    @Test(arguments: failureCases)
    func malformedDockerfilesAreRefusedAtTheirLine(_ row: FailureCase) {
        let error = failure(row.text)
        #expect(error?.line == row.line)
        #expect(error?.message.contains(row.message) == true, "\(String(describing: error))")
    }

    @Test func anUnknownTargetNamesTheStagesThereAre() {
        let error = failure("FROM a AS one\nFROM b AS two", target: "three")
        #expect(error?.message == "build target \"three\" is not a stage of this Dockerfile; its stages are one, two")
    }

    @Test func anErrorNamesTheColumnItsInstructionStartsAt() {
        let error = failure("FROM base\n   BOGUS x")
        #expect(error == DockerfileError(line: 2, column: 4, "unknown instruction BOGUS"))
    }
}
