import SlipwayTestSupport
import Testing

/// docs/testing.md prints the Swift example as the test suite runs it.
@Suite("docs/testing.md Swift example")
struct DocumentedExampleTests {
    @Test func thePageShowsTheExampleTestAndItsComposeFileAsTheyAre() throws {
        for (file, language) in [("Tests/SlipwayKitTests/WebStackTests.swift", "swift"), ("docs/examples/compose.yaml", "yaml")] {
            let shown = try DocumentedFile.shown(file, language: language, on: "docs/testing.md")
            #expect(shown == (try DocumentedFile.contents(file)), "docs/testing.md shows \(file) as it is")
        }
    }
}
