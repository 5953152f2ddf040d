import Foundation
import Testing
@testable import ComposeKit

@Suite struct DiscoveryTests {
    @Test func findsTheFileInTheNearestParentWithItsOverride() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services: {web: {command: base}}\n")
        try directory.write("compose.override.yaml", "services: {web: {command: override}}\n")
        try directory.write("deep/inside/.keep", "")
        var options = directory.options(workingDirectory: directory.path + "/deep/inside")
        options.requireCommands = false
        let project = try ProjectLoader(options: options).load().project
        #expect(project.composeFiles == [directory.path + "/compose.yaml", directory.path + "/compose.override.yaml"])
        #expect(project.services["web"]?.command == .shell("override"))
        #expect(project.directory == directory.path)
    }

    @Test func composeFileVariableListsTheFiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.yaml", "services: {web: {command: a}}\n")
        try directory.write("b.yaml", "services: {web: {command: b}}\n")
        let project = try directory.load(environment: ["COMPOSE_FILE": "a.yaml:b.yaml"]).project
        #expect(project.services["web"]?.command == .shell("b"))
    }

    @Test func composeFileVariableMayComeFromDotEnv() throws {
        let directory = try TemporaryDirectory()
        try directory.write(".env", "COMPOSE_FILE=a.yaml:b.yaml\n")
        try directory.write("a.yaml", "services: {web: {command: a}}\n")
        try directory.write("b.yaml", "services: {web: {command: b}}\n")
        let project = try directory.load().project
        #expect(project.composeFiles == [directory.path + "/a.yaml", directory.path + "/b.yaml"])
    }

    @Test func noFileIsAClearError() throws {
        let directory = try TemporaryDirectory()
        #expect(directory.errors().first?.message.contains("no compose file found") == true)
    }

    @Test func standardInputIsReadForDash() throws {
        let directory = try TemporaryDirectory()
        let project = try directory.load(["-"]) { options in
            options.standardInput = { "name: piped\nservices: {web: {command: x}}\n" }
        }.project
        #expect(project.name == "piped")
        #expect(project.composeFiles == ["-"])
    }
}

@Suite struct ProjectNameTests {
    private func name(directoryName: String = "proj", fileName: String? = nil, explicit: String? = nil, environment: [String: String] = [:]) throws -> String {
        let directory = try TemporaryDirectory()
        let file = try directory.write("\(directoryName)/compose.yaml", (fileName.map { "name: \($0)\n" } ?? "") + "services: {web: {command: x}}\n")
        return try directory.load([file], environment: environment) { $0.projectName = explicit }.project.name
    }

    @Test func precedenceIsFlagThenEnvironmentThenFileThenDirectory() throws {
        #expect(try name(fileName: "from-file", explicit: "flag", environment: ["COMPOSE_PROJECT_NAME": "env"]) == "flag")
        #expect(try name(fileName: "from-file", environment: ["COMPOSE_PROJECT_NAME": "env"]) == "env")
        #expect(try name(fileName: "from-file") == "from-file")
        #expect(try name() == "proj")
    }

    @Test func aDerivedNameIsNormalized() throws {
        #expect(try name(directoryName: "UNNORMALIZED PATH") == "unnormalizedpath")
    }

    @Test func fileNameIsInterpolated() throws {
        #expect(try name(fileName: "test-${TEST}-test", environment: ["TEST": "expected"]) == "test-expected-test")
    }

    @Test(arguments: ["-my_project", "_my_project", "www.my.project", "MY_PROJECT", "Other_Name"])
    func invalidExplicitNamesAreRejected(bad: String) throws {
        #expect(throws: ComposeError.self) { try name(explicit: bad) }
        #expect(throws: ComposeError.self) { try name(environment: ["COMPOSE_PROJECT_NAME": bad]) }
    }

    /// compose-go's projectName(): a file's `name:` is normalized after interpolation, never refused.
    @Test(arguments: [
        ("${STACK_NAME}", ["STACK_NAME": "Other_Name"], "other_name"),
        ("MY_PROJECT", [:], "my_project"),
        ("-my_project", [:], "my_project"),
        ("__-my.project", [:], "myproject"),
        ("\"www.My Project!\"", [:], "wwwmyproject"),
        ("${EMPTY}", ["EMPTY": ""], "proj"),
        ("\"-_.\"", [:], "proj"),
    ])
    func fileNamesAreNormalized(file: String, environment: [String: String], expected: String) throws {
        #expect(try name(fileName: file, environment: environment) == expected)
    }

    @Test func projectNameVariableResolvesToTheFinalName() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "name: final\nservices:\n  web:\n    command: echo ${COMPOSE_PROJECT_NAME}\n")
        #expect(try directory.load().project.services["web"]?.command == .shell("echo final"))
    }
}

@Suite struct EnvironmentTests {
    @Test func processEnvironmentWinsOverDotEnv() throws {
        let directory = try TemporaryDirectory()
        try directory.write(".env", "A=from-dotenv\nB=from-dotenv\n")
        try directory.write("compose.yaml", "services: {web: {command: echo $A $B}}\n")
        let project = try directory.load(environment: ["A": "from-shell"]).project
        #expect(project.services["web"]?.command == .shell("echo from-shell from-dotenv"))
    }

    @Test func envFileOptionReplacesDotEnv() throws {
        let directory = try TemporaryDirectory()
        try directory.write(".env", "A=dotenv\n")
        try directory.write("other.env", "A=other\n")
        try directory.write("compose.yaml", "services: {web: {command: echo $A}}\n")
        let project = try directory.load { $0.envFiles = ["other.env"] }.project
        #expect(project.services["web"]?.command == .shell("echo other"))
    }

    @Test func environmentFormsBareKeysAndEnvFiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write("web.env", "FROM_FILE=1\nOVERRIDDEN=file\n")
        try directory.write("compose.yaml", """
        services:
          web:
            command: x
            env_file:
              - web.env
              - path: missing.env
                required: false
            environment:
              - OVERRIDDEN=service
              - FROM_SHELL
              - UNSET
          api:
            command: x
            environment: {PORT: 8000, DEBUG: true, EMPTY: "", NOTHING: null}
        """)
        let project = try directory.load(environment: ["FROM_SHELL": "shell"]).project
        let web = try #require(project.services["web"])
        let expectedWeb: [String: String?] = ["FROM_FILE": "1", "OVERRIDDEN": "service", "FROM_SHELL": "shell", "UNSET": nil]
        #expect(web.environment == expectedWeb)
        #expect(web.envFiles.map(\.required) == [true, false])
        let expectedAPI: [String: String?] = ["PORT": "8000", "DEBUG": "true", "EMPTY": "", "NOTHING": nil]
        #expect(project.services["api"]?.environment == expectedAPI)
    }

    @Test func rawEnvFilesAreReadLiterally() throws {
        let directory = try TemporaryDirectory()
        try directory.write("raw.env", "QUOTED=\"kept\"\nREF=${NOT_EXPANDED}\n# comment\n")
        try directory.write("compose.yaml", "services:\n  web:\n    command: x\n    env_file: [{path: raw.env, format: raw}]\n")
        let web = try #require(try directory.load().project.services["web"])
        let expected: [String: String?] = ["QUOTED": "\"kept\"", "REF": "${NOT_EXPANDED}"]
        #expect(web.environment == expected)
        #expect(web.envFiles.first?.raw == true)
    }

    @Test func malformedEnvFileIsAnErrorNamingFileAndLine() throws {
        let directory = try TemporaryDirectory()
        try directory.write("bad.env", "GOOD=1\nBAD KEY=2\n")
        try directory.write("compose.yaml", "services:\n  web:\n    command: x\n    env_file: bad.env\n")
        let error = try #require(directory.errors().first)
        #expect(error.message.contains("invalid env file"), "\(error.message)")
        #expect(error.position?.file.hasSuffix("bad.env") == true)
        #expect(error.position?.line == 2)
    }

    @Test func laterEnvFilesResolveVariablesFromEarlierOnes() throws {
        let directory = try TemporaryDirectory()
        try directory.write("one.env", "HOST=db\n")
        try directory.write("two.env", "URL=postgres://${HOST}/app\n")
        try directory.write("compose.yaml", "services:\n  web:\n    command: x\n    env_file: [one.env, two.env]\n")
        let web = try #require(try directory.load(environment: [:]).project.services["web"])
        #expect(web.environment["URL"] == .some("postgres://db/app"))
    }

    @Test func missingRequiredEnvFileIsAnError() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  web:\n    command: x\n    env_file: nope.env\n")
        let error = try #require(directory.errors().first)
        #expect(error.message.contains("nope.env not found"))
        #expect(error.position?.line == 4)
    }

    @Test func noInterpolateKeepsDollarsAsWritten() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  web:\n    command: echo ${A} $$B\n")
        let project = try directory.load { $0.interpolate = false }.project
        #expect(project.services["web"]?.command == .shell("echo ${A} $$B"))
    }

    @Test func workingDirResolvesAgainstTheProjectDirectory() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services: {web: {command: x, working_dir: ./app}}\n")
        #expect(try directory.load().project.services["web"]?.workingDir == directory.path + "/app")
    }
}

@Suite struct ProfileTests {
    private let yaml = """
    services:
      web: {command: x}
      debugger: {command: x, profiles: [debug]}
      seeder: {command: x, profiles: [seed, ops]}
    """

    private func enabled(_ configure: (inout LoadOptions) -> Void = { _ in }, environment: [String: String] = [:]) throws -> [String] {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", yaml)
        return try directory.load(environment: environment, configure: configure).project.services.keys.sorted()
    }

    @Test func servicesWithoutProfilesAlwaysRun() throws {
        #expect(try enabled() == ["web"])
    }

    @Test func profileFlagEnablesItsServices() throws {
        #expect(try enabled { $0.profiles = ["ops"] } == ["seeder", "web"])
        #expect(try enabled { $0.profiles = ["*"] } == ["debugger", "seeder", "web"])
    }

    @Test func composeProfilesVariableEnablesWhenNoFlagIsGiven() throws {
        #expect(try enabled(environment: ["COMPOSE_PROFILES": "debug,seed"]) == ["debugger", "seeder", "web"])
    }

    @Test func namingAServiceEnablesIt() throws {
        #expect(try enabled { $0.requestedServices = ["debugger"] } == ["debugger", "web"])
    }

    @Test func namingAServiceEnablesItsProfiles() throws {
        #expect(try enabled { $0.requestedServices = ["seeder"] } == ["seeder", "web"])
    }
}

/// The illustrative example of compose-spec's profiles chapter, case by case.
@Suite struct ProfileSpecificationExampleTests {
    private let yaml = """
    services:
      foo: {command: foo}
      bar: {command: bar, profiles: [test]}
      baz: {command: baz, depends_on: [bar], profiles: [test]}
      zot: {command: zot, depends_on: [bar], profiles: [debug]}
    """

    private func load(profiles: [String] = [], requested: [String] = []) throws -> Result<[String], ComposeError> {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", yaml)
        return Result { () throws(ComposeError) in
            try directory.load { options in
                options.profiles = profiles
                options.requestedServices = requested
            }.project.services.keys.sorted()
        }
    }

    @Test func noProfileGivesFooOnly() throws {
        #expect(try load().get() == ["foo"])
    }

    @Test func testProfileAddsBarAndBaz() throws {
        #expect(try load(profiles: ["test"]).get() == ["bar", "baz", "foo"])
    }

    @Test func debugProfileAloneIsInvalidBecauseZotNeedsBar() throws {
        #expect(throws: ComposeError.self) { try load(profiles: ["debug"]).get() }
    }

    @Test func bothProfilesGiveEveryService() throws {
        #expect(try load(profiles: ["debug", "test"]).get() == ["bar", "baz", "foo", "zot"])
    }

    @Test func targetingBarOrBazActivatesTheTestProfile() throws {
        #expect(try load(requested: ["bar"]).get() == ["bar", "baz", "foo"])
        #expect(try load(requested: ["baz"]).get() == ["bar", "baz", "foo"])
    }

    @Test func targetingZotAloneIsInvalid() throws {
        #expect(throws: ComposeError.self) { try load(requested: ["zot"]).get() }
    }

    @Test func targetingZotWithTestEnabledPullsInBar() throws {
        #expect(try load(profiles: ["test"], requested: ["zot"]).get() == ["bar", "baz", "foo", "zot"])
    }
}

@Suite struct InvalidUTF8Tests {
    @Test func aFileWithAnInvalidUTF8ByteIsALoadErrorAtItsLineAndColumn() throws {
        let directory = try TemporaryDirectory()
        let bytes = Array("services:\n  web:\n    command: \"caf".utf8) + [0xE9] + Array("\"\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: directory.path + "/compose.yaml"))
        let errors = directory.errors()
        #expect(errors.count == 1)
        #expect(errors.first?.position == SourcePosition(file: "compose.yaml", line: 3, column: 18))
        #expect(errors.first?.message.contains("invalid UTF-8") == true)
    }

    @Test func validMultiByteCharactersCountAsOneColumn() {
        let bytes = Array("a: é\nb: ü".utf8) + [0xFF]
        #expect(UTF8Text.decode(bytes) == .failure(UTF8Text.InvalidUTF8(line: 2, column: 5, byte: 0xFF)))
        #expect(UTF8Text.decode(Array("a: é\n".utf8)) == .success("a: é\n"))
    }
}

/// compose-spec interpolation substitutes a string: an unquoted value that interpolates to
/// nothing is an empty string, never YAML's null (which in `environment` means "from the host").
@Suite struct EmptyInterpolationTests {
    private static let host = [
        "EMPTY": "", "E": "host-e", "F": "host-f", "G": "host-g", "H": "host-h", "L": "host-l", "M": "host-m",
    ]

    @Test func anEmptyInterpolationIsAnEmptyStringWhateverTheHostHasUnderTheKey() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", """
        services:
          web:
            command: x
            environment:
              E: ${EMPTY}
              F: ${UNSET:-}
              G: $UNSET
              H:
          list:
            command: x
            environment:
              - L=${UNSET}
              - M
        """)
        let services = try directory.load(environment: Self.host).project.services
        #expect(services["web"]?.environment == ["E": "", "F": "", "G": "", "H": "host-h"])
        #expect(services["list"]?.environment == ["L": "", "M": "host-m"])
    }

    @Test(arguments: ["${UNSET}", "${EMPTY}", "$UNSET", "${UNSET:-}"])
    func userAndWorkingDirThatInterpolateToNothingLoadAsUnset(template: String) throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  web:\n    command: x\n    user: \(template)\n    working_dir: \(template)\n")
        let web = try #require(try directory.load(environment: ["EMPTY": ""]).project.services["web"])
        #expect(web.user == nil)
        #expect(web.workingDir == nil)
    }

    @Test(arguments: [
        ("- ${UNSET}:/data", "invalid spec: :/data: empty section between colons"),
        ("- /a:/b:ro:x", "invalid spec: /a:/b:ro:x: too many colons"),
        ("- /a::ro", "invalid spec: /a::ro: empty section between colons"),
        ("- ${UNSET}", "invalid empty volume spec"),
    ])
    func aShortVolumeComposeRefusesIsALoadError(item: String, message: String) throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  web:\n    command: x\n    volumes:\n      \(item)\n")
        let errors = directory.errors()
        #expect(errors.map(\.message) == [message])
        #expect(errors.first?.path == "services.web.volumes[0]")
        #expect(errors.first?.position?.line == 5)
    }

    @Test(arguments: ["/a:/b:ro", "./data:/data", "named:/data:nocopy", "/anonymous", "C:\\\\x:d:"])
    func aShortVolumeComposeReadsLoads(item: String) throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "services:\n  web:\n    command: x\n    volumes:\n      - \"\(item)\"\n")
        #expect(directory.errors().isEmpty)
    }
}
