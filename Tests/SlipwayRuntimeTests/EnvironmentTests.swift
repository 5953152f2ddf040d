import ComposeKit
import Foundation
import Glibc
import Testing
@testable import SlipwayRuntime
@testable import SlipwayShim

@Suite("InstanceEnvironment")
struct EnvironmentTests {
    private let inherited = ["PATH": "/usr/bin:/bin", "HOME": "/home/dev", "FOO": "from-shell", "GONE": "from-shell",
                             "PORT": "5000", "PORT_1234": "1", "PORTAL": "kept"]

    @Test("supervisor environment, then env files in order, then environment, bare unset keys removed")
    func precedence() throws {
        let directory = try HealthTestDirectory()
        try directory.write("FOO=file-one\nA=1\nONLY_ONE=x\nKEPT=first\nexport SHARED=one\n", to: "one.env")
        try directory.write("A=2\nB=${FOO}\nC=${ONLY_ONE}\nKEPT\nUNSET_BARE\n", to: "two.env")
        try directory.write("""
            services:
              web:
                command: x
                env_file: [one.env, two.env]
                environment: {SHARED: from-environment, EMPTY: ""}
            """, to: "compose.yaml")
        let options = LoadOptions(files: [directory.file("compose.yaml")], environment: inherited, workingDirectory: directory.path)
        var service = try #require(try ProjectLoader(options: options).load().project.services["web"])
        service.environment["GONE"] = .some(nil)

        let environment = InstanceEnvironment.build(for: service, ports: [:], dependencies: [:], inherited: inherited)
        #expect(environment["PATH"] == "/usr/bin:/bin")
        #expect(environment["HOME"] == "/home/dev")
        #expect(environment["FOO"] == "file-one")
        #expect(environment["A"] == "2")
        #expect(environment["B"] == "from-shell", "the supervisor's environment wins inside an env file, as in compose")
        #expect(environment["C"] == "x", "earlier files resolve what the environment lacks")
        #expect(environment["KEPT"] == "first", "a bare key without a value changes nothing")
        #expect(environment["UNSET_BARE"] == nil)
        #expect(environment["SHARED"] == "from-environment")
        #expect(environment["EMPTY"] == "")
        #expect(environment["GONE"] == nil)
        #expect(environment["PORTAL"] == "kept")
    }

    @Test("PORT and PORT_<T> name the instance's private ports and win over every other source")
    func instancePorts() throws {
        var service = Service(name: "web")
        service.ports = [PortMapping(target: 8000, published: 8003)]
        service.expose = [9000, 8000]
        service.environment = ["PORT": "3000"]
        let environment = InstanceEnvironment.build(
            for: service, ports: [8000: 41001, 9000: 41002], dependencies: [:], inherited: inherited)
        #expect(environment["PORT"] == "41001")
        #expect(environment["PORT_8000"] == "41001")
        #expect(environment["PORT_9000"] == "41002")
        #expect(environment["PORT_1234"] == nil, "an inherited PORT_<T> is not this instance's")
    }

    @Test("a service without ports keeps no inherited PORT")
    func noPorts() throws {
        let environment = InstanceEnvironment.build(for: Service(name: "worker"), ports: [:], dependencies: [:], inherited: inherited)
        #expect(environment["PORT"] == nil)
    }

    @Test("each dependency with ports is announced by its stable address")
    func dependencyAddresses() throws {
        var service = Service(name: "web")
        service.dependsOn = ["auth-service": Dependency(), "db.main": Dependency(condition: .serviceHealthy),
                             "migrate": Dependency(condition: .serviceCompletedSuccessfully)]
        let addresses = [
            "auth-service": ServiceAddress(ports: [PortBinding(target: 8001, port: 42001)]),
            "db.main": ServiceAddress(ports: [PortBinding(target: 5432, port: 42002), PortBinding(target: 9187, port: 42003)]),
            "unrelated": ServiceAddress(ports: [PortBinding(target: 80, port: 42004)]),
        ]
        let environment = InstanceEnvironment.build(for: service, ports: [:], dependencies: addresses, inherited: [:])
        let announced = environment.filter { $0.key.contains("_SERVICE_") }
        #expect(announced == [
            "AUTH_SERVICE_SERVICE_HOST": "127.0.0.1", "AUTH_SERVICE_SERVICE_PORT": "42001",
            "AUTH_SERVICE_SERVICE_PORT_8001": "42001",
            "DB_MAIN_SERVICE_HOST": "127.0.0.1", "DB_MAIN_SERVICE_PORT": "42002",
            "DB_MAIN_SERVICE_PORT_5432": "42002", "DB_MAIN_SERVICE_PORT_9187": "42003",
        ])
    }

    @Test("ServiceAddress orders ports as the service declares them")
    func addressOrder() {
        var db = Service(name: "db")
        db.ports = [PortMapping(target: 9187)]
        db.expose = [5432]
        let address = ServiceAddress(service: db, portsByTarget: [5432: 2, 9187: 1])
        #expect(address.ports == [PortBinding(target: 9187, port: 1), PortBinding(target: 5432, port: 2)])
    }

    @Test("a probe run in the built environment sees the injected addresses")
    func probeSeesEnvironment() async throws {
        var service = Service(name: "web")
        service.expose = [8000]
        service.dependsOn = ["db": Dependency()]
        let environment = InstanceEnvironment.build(
            for: service, ports: [8000: 43001],
            dependencies: ["db": ServiceAddress(ports: [PortBinding(target: 5432, port: 43002)])],
            inherited: ["PATH": "/usr/bin:/bin"])
        let probe = HealthProbe(check: .shell("echo $PORT $DB_SERVICE_HOST:$DB_SERVICE_PORT"), timeout: .seconds(60),
                                environment: environment)
        let result = await probe.run()
        #expect(result.isHealthy)
        #expect(result.output == "43001 127.0.0.1:43002")
    }

    @Test("a service switched to another user starts from a clean base: no secret of the supervisor's, that user's HOME and USER")
    func cleanBaseForAnotherUser() throws {
        let supervisor = ["PATH": "/opt/bin:/usr/bin", "HOME": "/home/dev", "USER": "dev", "LANG": "C.UTF-8", "LC_TIME": "C",
                          "TZ": "UTC", "TERM": "xterm", "AWS_SECRET_ACCESS_KEY": "secret", "PORT": "5000"]
        let root = try Account(resolving: "0")
        let base = InstanceEnvironment.base(for: root, from: supervisor)
        #expect(base == ["PATH": "/opt/bin:/usr/bin", "HOME": root.home ?? "/", "USER": "root", "LOGNAME": "root",
                         "LANG": "C.UTF-8", "LC_TIME": "C", "TZ": "UTC", "TERM": "xterm"])
        #expect(InstanceEnvironment.base(for: root, from: [:])["PATH"] == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    }

    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil, "switching user needs root"))
    func aServiceRunAsNobodySeesOnlyTheCleanBaseAndTheFile() async throws {
        let supervisor = ["PATH": "/usr/bin:/bin", "HOME": "/root", "USER": "root", "LOGNAME": "root", "LANG": "C.UTF-8",
                          "LC_ALL": "C.UTF-8", "TZ": "UTC", "TERM": "xterm", "AWS_SECRET_ACCESS_KEY": "root-secret",
                          "DATABASE_PASSWORD": "hunter2"]
        let web = Service.shell("web", "env; exec sleep 1000") {
            $0.user = "nobody"
            $0.environment = ["GIVEN": "by-the-file"]
        }
        let nobodyHome = String(cString: try #require(getpwnam("nobody")).pointee.pw_dir)
        try await SupervisorHarness.with([web], environment: supervisor) { harness async throws in
            #expect(await harness.boundedUp() == nil)
            let source = LogSource(service: "web", path: harness.directory.path + "/state/logs/web.log")
            let seen = { () -> [String: String] in
                Dictionary(LogReader.last(200, of: source).compactMap { record -> (String, String)? in
                    guard let equals = record.text.firstIndex(of: "=") else { return nil }
                    return (String(record.text[..<equals]), String(record.text[record.text.index(after: equals)...]))
                }) { first, _ in first }
            }
            #expect(await eventually { seen()["GIVEN"] != nil })
            let environment = seen()
            #expect(environment["GIVEN"] == "by-the-file")
            #expect(environment["AWS_SECRET_ACCESS_KEY"] == nil && environment["DATABASE_PASSWORD"] == nil, "\(environment)")
            #expect(environment["HOME"] == nobodyHome)
            #expect(environment["USER"] == "nobody" && environment["LOGNAME"] == "nobody")
            #expect(environment["PATH"] == "/usr/bin:/bin" && environment["LANG"] == "C.UTF-8" && environment["LC_ALL"] == "C.UTF-8")
            #expect(environment["TZ"] == "UTC" && environment["TERM"] == "xterm")
            #expect(environment["SLIPWAY_DATA_DIR"] != nil)
        }
    }
}
