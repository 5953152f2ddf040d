import Foundation
import Testing
@testable import ComposeKit

/// Every runnable stack in compose-examples/ loads as `up` would load it: valid,
/// every service with a command or an image adapter, and a start order.
@Suite struct ExampleStackTests {
    static let examplesDirectory = Corpus.repositoryRoot + "/compose-examples"

    static let stacks: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory)) ?? []
        return names.sorted().map { examplesDirectory + "/" + $0 + "/compose.yaml" }.filter { FileManager.default.fileExists(atPath: $0) }
    }()

    @Test(.enabled(if: !stacks.isEmpty, "compose-examples/ has no stack yet"), arguments: stacks)
    func stackLoadsReadyToRun(file: String) throws {
        let options = LoadOptions(files: [file], environment: [:], workingDirectory: Corpus.repositoryRoot, requireCommands: true)
        let loaded = try ProjectLoader(options: options).load()
        #expect(!loaded.project.services.isEmpty)
        #expect(loaded.project.services.values.allSatisfy { $0.effectiveCommand != nil || $0.imageRun != nil })
        #expect(DependencyGraph(project: loaded.project).startWaves().joined().count == loaded.project.services.count)
    }
}
