import Testing
@testable import ComposeKit

@Suite struct ExtendsTests {
    @Test func sameFileExtendsMergesTheBaseUnderTheService() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", """
        services:
          base:
            command: serve
            environment: {A: "1"}
            healthcheck: {test: [CMD, ok], interval: 3s}
          middle:
            extends: base
            environment: {B: "2"}
          web:
            extends: {service: middle}
            environment: {A: "9"}
        """)
        let web = try #require(try directory.load().project.services["web"])
        #expect(web.command == .shell("serve"))
        #expect(web.environment == ["A": "9", "B": "2"])
        #expect(web.healthcheck?.interval == .seconds(3))
    }

    @Test func otherFileExtendsResolvesItsPathsAgainstThatFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("common/base.yaml", """
        services:
          app:
            command: run
            env_file: app.env
            working_dir: src
        """)
        try directory.write("common/app.env", "FROM_FILE=yes\n")
        try directory.write("compose.yaml", """
        services:
          web:
            extends: {file: common/base.yaml, service: app}
        """)
        let web = try #require(try directory.load().project.services["web"])
        #expect(web.envFiles == [EnvFileReference(path: directory.path + "/common/app.env")])
        #expect(web.environment["FROM_FILE"] == "yes")
        #expect(web.workingDir == directory.path + "/common/src")
    }

    @Test func extendsCycleAndMissingServiceAreErrors() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", """
        services:
          a: {extends: b, command: x}
          b: {extends: a, command: x}
          c: {extends: nothing, command: x}
        """)
        let messages = directory.errors().map(\.message)
        #expect(messages.contains { $0.hasPrefix("extends cycle: ") })
        #expect(messages.contains { $0.contains("extends names service \"nothing\"") })
    }
}

@Suite struct IncludeTests {
    @Test func includedServicesUseTheirOwnEnvFileAndCanBeOverridden() throws {
        let directory = try TemporaryDirectory()
        try directory.write("module/compose.yaml", """
        services:
          api:
            command: serve ${MODE}
            image: api:${TAG:-1}
        """)
        try directory.write("module/custom.env", "MODE=included\n")
        try directory.write("compose.yaml", """
        include:
          - path: module/compose.yaml
            env_file: module/custom.env
        services:
          api:
            image: api:local
          web:
            command: web ${MODE:-main}
        """)
        let project = try directory.load().project
        #expect(project.services["api"]?.command == .shell("serve included"))
        #expect(project.services["api"]?.image == "api:local")
        #expect(project.services["web"]?.command == .shell("web main"))
    }

    @Test func includeCycleIsAnError() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", "include: [other.yaml]\nservices: {web: {command: x}}\n")
        try directory.write("other.yaml", "include: [compose.yaml]\nservices: {api: {command: x}}\n")
        #expect(directory.errors().contains { $0.message.hasPrefix("include cycle detected") })
    }
}
