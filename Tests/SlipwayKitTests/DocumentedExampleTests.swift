import SlipwayTestSupport
import Testing

/// docs/testing.md prints the Swift examples as the test suite runs them.
@Suite("docs/testing.md Swift examples")
struct DocumentedExampleTests {
    @Test func thePageShowsTheExampleTestsAndTheirComposeFileAsTheyAre() throws {
        let files = [
            ("Tests/SlipwayKitTests/WebStackTests.swift", "swift"), ("Tests/SlipwayKitTests/WebStackXCTests.swift", "swift"),
            ("docs/examples/compose.yaml", "yaml"),
        ]
        for (file, language) in files {
            let shown = try DocumentedFile.shown(file, language: language, on: "docs/testing.md")
            #expect(shown == (try DocumentedFile.contents(file)), "docs/testing.md shows \(file) as it is")
        }
    }
}
