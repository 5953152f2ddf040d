import Testing
@testable import ComposeKit

@Suite struct YAMLReaderTests {
    private func read(_ text: String) throws -> YAMLNode {
        let documents = try YAMLReader(file: "c.yaml").read(text)
        return try #require(documents.first)
    }

    private func failure(_ text: String) -> YAMLReadError? {
        do {
            _ = try YAMLReader(file: "c.yaml").read(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyNodeKeepsItsLineAndColumn() throws {
        let root = try read("services:\n  web:\n    image: nginx\n")
        let image = try #require(root["services"]?["web"]?["image"])
        #expect(image.position == SourcePosition(file: "c.yaml", line: 3, column: 12))
        let key = try #require(root["services"]?["web"]?.entries?.first)
        #expect(key.keyPosition == SourcePosition(file: "c.yaml", line: 3, column: 5))
    }

    @Test func mergeKeyTakesAnchorKeysAndExplicitKeysWin() throws {
        let root = try read("""
        x-base: &base
          image: a
          restart: always
        svc:
          <<: *base
          image: b
        """)
        let service = try #require(root["svc"])
        #expect(service["image"]?.scalarText == "b")
        #expect(service["restart"]?.scalarText == "always")
        #expect(service.entries?.count == 2)
    }

    @Test func mergeKeyListGivesEarlierSourcesPriority() throws {
        let root = try read("""
        a: &a {x: 1, y: 1}
        b: &b {y: 2, z: 2}
        c:
          <<: [*a, *b]
        """)
        #expect(root["c"]?["y"]?.scalarText == "1")
        #expect(root["c"]?["z"]?.scalarText == "2")
    }

    @Test func mergeKeyOfAScalarIsRejected() {
        let error = failure("a: &a 1\nb:\n  <<: *a\n")
        #expect(error?.message.contains("map merge requires map") == true)
    }

    @Test func duplicateKeysAreAnErrorWithTheirLine() throws {
        let error = try #require(failure("services:\n  web:\n    command: a\n    command: b\n"))
        #expect(error.message.contains("\"command\" already defined"))
        #expect(error.position.line == 3)
    }

    @Test func nonStringKeysAreRejectedWithTheirPath() {
        #expect(failure("services:\n  123:\n    image: a\n")?.message == "non-string key in services: 123")
        #expect(failure("123: a\n")?.message == "non-string key at top level: 123")
        #expect(failure("\"123\": a\n") == nil)
    }

    @Test func resetAndOverrideTagsAreKept() throws {
        let root = try read("a: !reset []\nb: !override {x: 1}\nc: !reset\n")
        #expect(root["a"]?.tag == .reset)
        #expect(root["b"]?.tag == .override)
        #expect(root["c"]?.tag == .reset)
    }

    @Test func quotedScalarsStayStringsAndPlainOnesResolveAsYAML12() throws {
        let root = try read("a: \"8080\"\nb: 8080\nc: yes\nd: 0o17\ne: null\nf: 1.5\n")
        #expect(root["a"]?.resolved == .string("8080"))
        #expect(root["b"]?.resolved == .int(8080))
        #expect(root["c"]?.resolved == .string("yes"))
        #expect(root["d"]?.resolved == .int(15))
        #expect(root["e"]?.resolved == .null)
        #expect(root["f"]?.resolved == .double(1.5))
    }

    @Test func aliasBombIsStoppedAsExcessiveAliasing() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 1...7 {
            let name = "l\(level)"
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        #expect(failure(text)?.message.contains("excessive aliasing") == true)
    }

    @Test func syntaxErrorsNameTheirPlace() throws {
        let error = try #require(failure("services:\n\tweb: {}\n"))
        #expect(error.message.hasPrefix("invalid YAML"))
        #expect(error.position.line == 2)
    }

    @Test func everyDocumentOfAStreamIsRead() throws {
        let documents = try YAMLReader(file: "c.yaml").read("a: 1\n---\nb: 2\n")
        #expect(documents.count == 2)
    }
}
