import Testing
@testable import ComposeKit

/// How an image config goes under a service: docker's rules, without files.
@Suite struct DockerfileDefaultsTests {
    private static let context = "/work/project/auth"

    struct CommandCase: Sendable, CustomTestStringConvertible {
        var composeEntrypoint: CommandLine?
        var composeCommand: CommandLine?
        var imageEntrypoint: CommandLine?
        var imageCommand: CommandLine?
        var entrypoint: CommandLine?
        var command: CommandLine?
        var name: String
        var testDescription: String { name }
    }

    static let commandCases: [CommandCase] = [
        .init(imageCommand: .exec(["serve"]), command: .exec(["serve"]), name: "the image's CMD"),
        .init(imageEntrypoint: .exec(["./run"]), imageCommand: .exec(["serve"]), entrypoint: .exec(["./run"]), command: .exec(["serve"]), name: "the image's ENTRYPOINT and CMD"),
        .init(composeCommand: .exec(["migrate"]), imageEntrypoint: .exec(["./run"]), imageCommand: .exec(["serve"]),
              entrypoint: .exec(["./run"]), command: .exec(["migrate"]), name: "a compose command keeps the image's ENTRYPOINT"),
        .init(composeEntrypoint: .exec(["./other"]), imageEntrypoint: .exec(["./run"]), imageCommand: .exec(["serve"]),
              entrypoint: .exec(["./other"]), name: "a compose entrypoint drops the image's CMD"),
        .init(composeEntrypoint: .exec(["./other"]), composeCommand: .exec(["x"]), imageEntrypoint: .exec(["./run"]), imageCommand: .exec(["serve"]),
              entrypoint: .exec(["./other"]), command: .exec(["x"]), name: "compose entrypoint and command"),
        .init(imageEntrypoint: .exec(["./run"]), imageCommand: .shell("serve --port $PORT"),
              entrypoint: .exec(["./run"]), command: .exec(["/bin/sh", "-c", "serve --port $PORT"]), name: "a shell CMD under an exec ENTRYPOINT is its shell's argv"),
        .init(imageEntrypoint: .shell("exec ./run"), imageCommand: .exec(["ignored"]),
              entrypoint: .shell("exec ./run"), command: .exec(["ignored"]), name: "a shell ENTRYPOINT (which ignores CMD, as in docker)"),
        .init(composeCommand: .shell("sh -c 'sleep 10 && ./entrypoint.sh'"), imageCommand: .exec(["./entrypoint.sh"]),
              command: .shell("sh -c 'sleep 10 && ./entrypoint.sh'"), name: "a compose command string over the image's CMD"),
    ]

    @Test(arguments: commandCases)
    func commandResolution(_ row: CommandCase) {
        var service = Service(name: "auth")
        service.entrypoint = row.composeEntrypoint
        service.command = row.composeCommand
        var image = DockerfileImage()
        image.entrypoint = row.imageEntrypoint
        image.command = row.imageCommand
        _ = DockerfileDefaults(image: image, context: Self.context).apply(to: &service, healthcheckKeys: [])
        #expect(service.entrypoint == row.entrypoint)
        #expect(service.command == row.command)
    }

    @Test func slipwayCommandCountsAsTheComposeCommand() {
        var service = Service(name: "auth")
        service.slipway.command = .exec(["python3", "app.py"])
        var image = DockerfileImage()
        image.command = .exec(["gunicorn"])
        _ = DockerfileDefaults(image: image, context: Self.context).apply(to: &service, healthcheckKeys: [])
        #expect(service.command == nil)
        #expect(service.effectiveCommand == .exec(["python3", "app.py"]))
    }

    struct WorkingDirCase: Sendable, CustomTestStringConvertible {
        var imageWorkdir: String
        var copiedTo: String?
        var written: String?
        var expected: String
        var testDescription: String { "WORKDIR \(imageWorkdir), COPY . \(copiedTo ?? "-"), working_dir \(written ?? "-")" }
    }

    static let workingDirCases: [WorkingDirCase] = [
        .init(imageWorkdir: "/", expected: context),
        .init(imageWorkdir: "/app", expected: context),
        .init(imageWorkdir: "/app", copiedTo: "/app", expected: context),
        .init(imageWorkdir: "/app/src", copiedTo: "/app", expected: context + "/src"),
        .init(imageWorkdir: "/srv", copiedTo: "/app", expected: context),
        .init(imageWorkdir: "/app", copiedTo: "/app", written: "/app/tools", expected: context + "/tools"),
        .init(imageWorkdir: "/app", copiedTo: "/app", written: "/app", expected: context),
        .init(imageWorkdir: "/app", copiedTo: "/app", written: "/var/lib/app", expected: "/var/lib/app"),
        .init(imageWorkdir: "/", written: "/opt/tool", expected: "/opt/tool"),
    ]

    @Test(arguments: workingDirCases)
    func workingDirectoryMapsIntoTheContext(_ row: WorkingDirCase) {
        var service = Service(name: "auth")
        service.workingDir = row.written
        var image = DockerfileImage()
        image.workingDir = row.imageWorkdir
        image.contextDestination = row.copiedTo
        _ = DockerfileDefaults(image: image, context: Self.context).apply(to: &service, healthcheckKeys: [])
        #expect(service.workingDir == row.expected)
    }

    @Test func theComposeHealthcheckWinsKeyByKey() {
        var image = DockerfileImage()
        image.healthcheck = Healthcheck(test: .shell("curl -f localhost:8000"), interval: .seconds(30), timeout: .seconds(10), retries: 3, startPeriod: .seconds(40))
        var service = Service(name: "auth")
        service.healthcheck = Healthcheck(test: .exec(["true"]), interval: .seconds(2), disabled: true)
        _ = DockerfileDefaults(image: image, context: Self.context).apply(to: &service, healthcheckKeys: ["test", "interval", "disable"])
        #expect(service.healthcheck == Healthcheck(test: .exec(["true"]), interval: .seconds(2), timeout: .seconds(10), retries: 3, startPeriod: .seconds(40), disabled: true))
    }

    @Test func exposedTCPPortsFollowTheComposePortsAndOthersAreReturned() {
        var image = DockerfileImage()
        image.exposedPorts = [ExposedPort(port: 8000), ExposedPort(port: 9000), ExposedPort(port: 53, protocol: "udp")]
        var service = Service(name: "auth")
        service.ports = [PortMapping(target: 8000, published: 8003)]
        let skipped = DockerfileDefaults(image: image, context: Self.context).apply(to: &service, healthcheckKeys: [])
        #expect(service.containerPorts == [8000, 9000])
        #expect(skipped == [ExposedPort(port: 53, protocol: "udp")])
    }
}
