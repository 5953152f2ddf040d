import Testing
@testable import ComposeKit

/// A `build:` service takes its defaults from its Dockerfile at load, under
/// what the compose file says.
@Suite struct BuildServiceLoadTests {
    private static let dockerfile = """
        FROM python:3.11-slim AS builder
        RUN pip install --user -r requirements.txt

        FROM python:3.11-slim
        ENV PYTHONUNBUFFERED=1 \\
            GREETING=hello
        WORKDIR /app
        COPY . .
        RUN chmod +x entrypoint.sh
        EXPOSE 8000
        HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \\
            CMD curl -f http://localhost:8000/health/ || exit 1
        USER app
        STOPSIGNAL SIGINT
        CMD ["./entrypoint.sh"]
        """

    private func load(_ compose: String, dockerfile: String = dockerfile, at path: String = "auth/Dockerfile", environment: [String: String] = [:]) throws -> (LoadedProject, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", compose)
        try directory.write(path, dockerfile)
        return (try directory.load(environment: environment), directory)
    }

    @Test func theDockerfileGivesEveryDefault() throws {
        let (loaded, directory) = try load("services:\n  auth:\n    build: ./auth\n")
        let service = try #require(loaded.project.services["auth"])
        #expect(service.command == .exec(["./entrypoint.sh"]))
        #expect(service.entrypoint == nil)
        #expect(service.workingDir == directory.path + "/auth")
        #expect(service.environment == ["PYTHONUNBUFFERED": "1", "GREETING": "hello"])
        #expect(service.expose == [8000])
        #expect(service.healthcheck == Healthcheck(
            test: .shell("curl -f http://localhost:8000/health/ || exit 1"),
            interval: .seconds(30), timeout: .seconds(10), retries: 3, startPeriod: .seconds(40)))
        #expect(service.user == "app")
        #expect(service.stopSignal == "SIGINT")
    }

    @Test func composeKeysWinOverTheDockerfile() throws {
        let (loaded, _) = try load("""
            services:
              auth:
                build: {context: auth}
                command: sh -c "sleep 10 && ./entrypoint.sh"
                working_dir: /srv
                environment: {GREETING: hi}
                ports: ["8003:9000"]
                user: root
                stop_signal: SIGTERM
            """)
        let service = try #require(loaded.project.services["auth"])
        #expect(service.command == .shell("sh -c \"sleep 10 && ./entrypoint.sh\""))
        #expect(service.workingDir == "/srv")
        #expect(service.environment == ["PYTHONUNBUFFERED": "1", "GREETING": "hi"])
        #expect(service.containerPorts == [9000, 8000])
        #expect(service.user == "root")
        #expect(service.stopSignal == "SIGTERM")
    }

    @Test func aComposeHealthcheckOverridesOnlyTheTimingsItWrites() throws {
        let (loaded, _) = try load("""
            services:
              auth:
                build: auth
                healthcheck: {interval: 5s, retries: 10}
            """)
        let check = try #require(loaded.project.services["auth"]?.healthcheck)
        #expect(check.test == .shell("curl -f http://localhost:8000/health/ || exit 1"))
        #expect(check.interval == .seconds(5))
        #expect(check.retries == 10)
        #expect(check.timeout == .seconds(10))
        #expect(check.startPeriod == .seconds(40))
    }

    @Test func aComposeEntrypointDropsTheDockerfileCommandAndAComposeCommandKeepsItsEntrypoint() throws {
        let dockerfile = "FROM base\nENTRYPOINT [\"./run\"]\nCMD serve --port $PORT\n"
        let (entrypoint, _) = try load("services:\n  a:\n    build: auth\n    entrypoint: [\"./other\"]\n", dockerfile: dockerfile)
        #expect(entrypoint.project.services["a"]?.entrypoint == .exec(["./other"]))
        #expect(entrypoint.project.services["a"]?.command == nil)
        let (command, _) = try load("services:\n  a:\n    build: auth\n    command: [\"migrate\"]\n", dockerfile: dockerfile)
        #expect(command.project.services["a"]?.entrypoint == .exec(["./run"]))
        #expect(command.project.services["a"]?.command == .exec(["migrate"]))
        let (neither, _) = try load("services:\n  a:\n    build: auth\n", dockerfile: dockerfile)
        #expect(neither.project.services["a"]?.command == .exec(["/bin/sh", "-c", "serve --port $PORT"]))
    }

    @Test func aContainerWorkingDirMapsIntoTheBuildContext() throws {
        let dockerfile = "FROM base\nWORKDIR /app\nCOPY . .\nWORKDIR /app/src\n"
        let (fromImage, directory) = try load("services:\n  a:\n    build: auth\n", dockerfile: dockerfile)
        #expect(fromImage.project.services["a"]?.workingDir == directory.path + "/auth/src")
        let (written, other) = try load("services:\n  a:\n    build: auth\n    working_dir: /app/tools\n", dockerfile: dockerfile)
        #expect(written.project.services["a"]?.workingDir == other.path + "/auth/tools")
    }

    @Test func contextDockerfileArgsAndTargetAreRead() throws {
        let dockerfile = "ARG BASE=x\nFROM $BASE AS dev\nARG MODE=dev\nENV MODE=$MODE\nCMD [\"dev\"]\nFROM dev AS prod\nCMD [\"prod\"]\n"
        let (loaded, _) = try load("""
            services:
              a:
                build:
                  context: ./auth
                  dockerfile: docker/App.dockerfile
                  args: [MODE=staging]
                  target: dev
            """, dockerfile: dockerfile, at: "auth/docker/App.dockerfile")
        #expect(loaded.project.services["a"]?.environment == ["MODE": "staging"])
        #expect(loaded.project.services["a"]?.command == .exec(["dev"]))
    }

    @Test func anArgumentWithoutValueTakesTheShellsValue() throws {
        let (loaded, _) = try load(
            "services:\n  a:\n    build:\n      context: auth\n      args: {MODE: null}\n",
            dockerfile: "FROM base\nARG MODE=dev\nENV MODE=$MODE\nCMD [\"x\"]\n", environment: ["MODE": "ci"])
        #expect(loaded.project.services["a"]?.environment == ["MODE": "ci"])
    }

    @Test func anInlineDockerfileIsRead() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", """
            services:
              a:
                build:
                  context: .
                  dockerfile_inline: |
                    FROM base
                    CMD ["inline"]
            """)
        #expect(try directory.load().project.services["a"]?.command == .exec(["inline"]))
    }

    @Test func runInstructionsAreNotExecutedAndSaySoOnce() throws {
        let (loaded, _) = try load("services:\n  auth:\n    build: ./auth\n")
        let warnings = loaded.warnings.filter { $0.message.contains("RUN") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.description == "warning: auth/Dockerfile:9:1: services.auth.build: its RUN instruction is not executed: the host must provide what it installs (see docs/dockerfile.md)")
    }

    @Test func aDockerfileErrorNamesItsFileLineAndTheBuildKey() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  a:\n    build: auth\n")
        try directory.write("auth/Dockerfile", "FROM base\nEXPOSE eighty\n")
        let errors = directory.errors()
        #expect(errors.map(\.description) == [
            "auth/Dockerfile:2:1: services.a.build: EXPOSE expects a port like 8000, 8000/tcp or 8000-8010/udp, got \"eighty\"",
        ])
    }

    @Test func anUnreadableDockerfileOrContextIsAnErrorAtTheComposeKey() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", """
            services:
              missing-file:
                build: {context: auth, dockerfile: Nope.dockerfile}
              missing-context:
                build: ./nowhere
              remote:
                build: https://github.com/example/app.git
              both:
                build: {dockerfile: a, dockerfile_inline: "FROM b"}
            """)
        try directory.write("auth/Dockerfile", "FROM base\n")
        let errors = directory.errors { $0.requireCommands = true }.map(\.description)
        #expect(errors.contains("compose.yaml:3:40: services.missing-file.build: cannot read Dockerfile auth/Nope.dockerfile: no such file or not readable"))
        #expect(errors.contains("compose.yaml:5:12: services.missing-context.build: build context nowhere is not a directory"))
        #expect(errors.contains("compose.yaml:7:12: services.remote.build: a remote build context (https://github.com/example/app.git) cannot be read; Slipway reads the Dockerfile of a local directory"))
        #expect(errors.contains("compose.yaml:9:47: services.both.build.dockerfile_inline: dockerfile and dockerfile_inline cannot both be set"))
        // and each of the four has no command to run
        #expect(errors.filter { $0.hasSuffix("so Slipway cannot run it") }.count == 4)
        #expect(errors.count == 8)
    }

    @Test func configOnlyWarnsAboutADockerfileItCannotFind() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  a:\n    build: ./nowhere\n    command: run\n")
        let loaded = try directory.load()
        #expect(loaded.warnings.map(\.description).contains(
            "warning: compose.yaml:3:12: services.a.build: build context nowhere is not a directory; its defaults are not applied"))
        #expect(loaded.project.services["a"]?.workingDir == nil)
    }

    @Test func anInlineDockerfileErrorNamesItsLineWithinTheComposeValue() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  a:\n    build:\n      dockerfile_inline: \"FROM b\\nBOGUS\"\n")
        #expect(directory.errors().map(\.description) == [
            "compose.yaml:4:26: services.a.build: line 2 of dockerfile_inline: unknown instruction BOGUS",
        ])
    }

    @Test func aUDPPortIsLeftOutWithAWarning() throws {
        let (loaded, _) = try load("services:\n  a:\n    build: auth\n", dockerfile: "FROM base\nEXPOSE 53/udp 8000\nCMD [\"x\"]\n")
        #expect(loaded.project.services["a"]?.expose == [8000])
        #expect(loaded.warnings.contains { $0.message == "EXPOSE 53/udp is left out: Slipway gives private ports to TCP only" })
    }

    @Test func aBuildServiceWithoutAnyCommandListsWhereItLooked() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  a:\n    build: auth\n")
        try directory.write("auth/Dockerfile", "FROM base\nWORKDIR /app\n")
        let errors = directory.errors { $0.requireCommands = true }
        #expect(errors.map(\.description) == [
            "compose.yaml:3:5: services.a: service \"a\" has neither command nor x-slipway.command nor entrypoint, and its Dockerfile (auth/Dockerfile) has neither CMD nor ENTRYPOINT, so Slipway cannot run it",
        ])
    }

    @Test func aBuildServiceWhoseDockerfileHasAnEntrypointOnlyIsAccepted() throws {
        let (loaded, _) = try load("services:\n  a:\n    build: auth\n", dockerfile: "FROM base\nENTRYPOINT [\"./run\"]\n")
        #expect(loaded.project.services["a"]?.entrypoint == .exec(["./run"]))
    }

    @Test func configPrintsTheDefaultsTheDockerfileGave() throws {
        let (loaded, directory) = try load("services:\n  auth:\n    build: ./auth\n")
        let service = try #require(loaded.project.services["auth"])
        guard case let .mapping(fields) = ProjectRenderer.render(service) else { Issue.record("not a mapping"); return }
        let rendered = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(rendered["command"] == .array([.string("./entrypoint.sh")]))
        #expect(rendered["working_dir"] == .string(directory.path + "/auth"))
        #expect(rendered["expose"] == .array([.string("8000")]))
        #expect(rendered["build"] == .string("./auth"))
    }
}

extension BuildServiceLoadTests {
    @Test func aServiceDisabledByItsProfileNeedsNoDockerfile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  web: {command: run}\n  tools:\n    build: ./missing\n    profiles: [tools]\n")
        let loaded = try directory.load { $0.requireCommands = true }
        #expect(loaded.project.services.keys.sorted() == ["web"])
    }

    @Test func aByteOrderMarkBeforeTheFirstInstructionIsIgnored() throws {
        let (loaded, _) = try load("services:\n  a:\n    build: auth\n", dockerfile: "\u{FEFF}FROM base\nCMD [\"x\"]\n")
        #expect(loaded.project.services["a"]?.command == .exec(["x"]))
    }

    @Test func aBareEnvironmentKeyTheShellDoesNotSetLeavesTheDockerfileValue() throws {
        let (loaded, _) = try load("services:\n  a:\n    build: auth\n    environment: [GREETING, OTHER]\n")
        #expect(loaded.project.services["a"]?.environment["GREETING"] == .some("hello"))
        #expect(loaded.project.services["a"]?.environment["OTHER"] == .some(nil))
    }
}

extension BuildServiceLoadTests {
    @Test func anEntrypointAloneIsEnoughToRun() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  a:\n    entrypoint: [\"./run\"]\n")
        let loaded = try directory.load { $0.requireCommands = true }
        #expect(loaded.project.services["a"]?.entrypoint == .exec(["./run"]))
    }
}
