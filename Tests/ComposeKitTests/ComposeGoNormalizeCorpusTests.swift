import Foundation
import Testing
@testable import ComposeKit

/// compose-go's normalization pairs, for what Slipway models from them:
/// `depends_on` defaults and implicit dependencies, and the environment with
/// bare keys resolved. (Default networks and `<project>_` resource names are
/// container concerns Slipway does not add.)
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct ComposeGoNormalizeCorpusTests {
    static let rows = Corpus.rows("normalize")

    private func services(_ file: String, environment: [String: String]) throws -> [String: Service] {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let root = try #require(try YAMLReader(file: file).read(text).first)
        let decoder = ServiceDecoder(reader: ValueReader(log: DiagnosticLog()), projectDirectory: "/") { environment[$0] }
        var services: [String: Service] = [:]
        for entry in root["services"]?.entries ?? [] {
            var service = decoder.decode(name: entry.key, node: entry.value).service
            ImplicitDependencies.add(to: &service)
            services[entry.key] = service
        }
        return services
    }

    @Test func everyPairIsCovered() {
        #expect(Self.rows.count == 9)
    }

    @Test(arguments: rows)
    func dependenciesAndEnvironmentNormalizeAsInComposeGo(row: Corpus.Row) throws {
        let directory = Corpus.composeGo + "/" + row.filename
        let environment = Corpus.environment(row.notes)
        let input = try services(directory + "/input.yaml", environment: environment)
        let expected = try services(directory + "/expected.yaml", environment: environment)
        #expect(input.mapValues(\.dependsOn) == expected.mapValues(\.dependsOn))
        #expect(input.mapValues(\.environment) == expected.mapValues(\.environment))
    }
}
