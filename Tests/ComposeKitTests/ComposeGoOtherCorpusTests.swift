import Foundation
import Testing
@testable import ComposeKit

/// compose-go's `other/` cases, whose outcome depends on options.
@Suite(.enabled(if: Corpus.isAvailable, Comment(rawValue: Corpus.skipMessage)))
struct ComposeGoOtherCorpusTests {
    private let directory = Corpus.composeGo + "/other"

    @Test func aliasBombLoadsOrFailsAsExcessiveAliasing() {
        let options = Corpus.options(files: [directory + "/loader-reset--TestAliasBombPrevented.yaml"], notes: "", directory: directory)
        if case let .failure(error) = Corpus.load(options) {
            #expect(error.errors.contains { $0.message.contains("excessive aliasing") }, "\(error)")
        }
    }

    @Test func projectNameOptionFeedsComposeProjectName() throws {
        var options = Corpus.options(files: [directory + "/loader-loader--TestLoadProjectName.yaml"], notes: "", directory: directory)
        options.projectName = "testproject"
        let project = try Corpus.load(options).get().project
        #expect(project.services["web"]?.notEmulated["container_name"] == .string("testproject-web"))
    }
}
