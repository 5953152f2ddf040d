/// Splits a Dockerfile into instructions as BuildKit's parser does: parser
/// directives (`# escape=`) only before anything else, comment lines dropped
/// (also between continuation lines), a line ending in the escape character
/// joined to the next one as it stands, heredoc bodies skipped.
struct DockerfileLines {
    private(set) var escape: Character = "\\"
    private(set) var instructions: [DockerfileInstruction] = []

    init(_ text: String) throws(DockerfileError) {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        var index = try readDirectives(lines)
        while index < lines.count {
            let line = lines[index]
            let body = line.drop { $0 == " " || $0 == "\t" }
            if body.isEmpty || body.hasPrefix("#") {
                index += 1
                continue
            }
            let start = index
            var joined = ""
            var current = body
            while true {
                index += 1
                guard let continued = withoutContinuation(current) else {
                    joined += current
                    break
                }
                joined += continued
                while index < lines.count, Self.isSkippedInContinuation(lines[index]) { index += 1 }
                guard index < lines.count else { break }
                current = lines[index]
            }
            let instruction = Self.instruction(joined, line: start + 1, column: line.count - body.count + 1)
            instructions.append(instruction)
            index = try skipHeredocBodies(of: instruction, in: lines, from: index)
        }
    }

    /// A heredoc's body (`RUN <<EOF` … `EOF`) is a script or a file's
    /// content, never instructions; it ends at a line that is exactly its
    /// word (after leading tabs, for `<<-`).
    private func skipHeredocBodies(of instruction: DockerfileInstruction, in lines: [Substring], from start: Int) throws(DockerfileError) -> Int {
        guard ["RUN", "COPY", "ADD"].contains(instruction.keyword), DockerfileWords.jsonList(instruction.arguments) == nil else { return start }
        var index = start
        for heredoc in DockerfileWords.split(instruction.arguments, escape: escape).compactMap(Heredoc.init) {
            while true {
                guard index < lines.count else {
                    throw instruction.error("the heredoc <<\(heredoc.word) has no closing \(heredoc.word) line")
                }
                let line = heredoc.stripsTabs ? lines[index].drop { $0 == "\t" } : lines[index]
                index += 1
                if line == heredoc.word { break }
            }
        }
        return index
    }

    /// `# name=value` lines at the very top; the first other line ends them.
    private mutating func readDirectives(_ lines: [Substring]) throws(DockerfileError) -> Int {
        var index = 0
        while index < lines.count, let (name, value) = Self.directive(lines[index]) {
            if name == "escape" {
                guard value == "\\" || value == "`" else {
                    throw DockerfileError(line: index + 1, "invalid escape directive \"\(value)\": it must be \\ or `")
                }
                escape = value == "`" ? "`" : "\\"
            }
            index += 1
        }
        return index
    }

    private static func directive(_ line: Substring) -> (name: String, value: String)? {
        let body = line.drop { $0 == " " || $0 == "\t" }
        guard body.hasPrefix("#") else { return nil }
        let text = body.dropFirst()
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let name = text[..<equals].trimmingWhitespace()
        let value = text[text.index(after: equals)...].trimmingWhitespace()
        guard let first = name.first, first.isLetter, name.allSatisfy({ $0.isLetter || $0.isNumber }), !value.isEmpty else {
            return nil
        }
        return (name.lowercased(), String(value))
    }

    /// The line without its trailing escape character (and blanks after it), or nil when it does not continue.
    private func withoutContinuation(_ line: Substring) -> Substring? {
        let trimmed = line.trimmingTrailingBlanks()
        guard trimmed.last == escape else { return nil }
        return trimmed.dropLast()
    }

    private static func isSkippedInContinuation(_ line: Substring) -> Bool {
        let body = line.drop { $0 == " " || $0 == "\t" }
        return body.isEmpty || body.hasPrefix("#")
    }

    private static func instruction(_ text: String, line: Int, column: Int) -> DockerfileInstruction {
        let keyword = text.prefix { $0 != " " && $0 != "\t" }
        let arguments = text.dropFirst(keyword.count).trimmingWhitespace()
        return DockerfileInstruction(keyword: keyword.uppercased(), arguments: String(arguments), line: line, column: column)
    }
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`: a word of a RUN, COPY or ADD line that opens a heredoc.
struct Heredoc: Equatable {
    var word: String
    /// `<<-`: leading tabs of the body and its closing line are ignored.
    var stripsTabs: Bool

    init?(_ text: String) {
        guard text.hasPrefix("<<") else { return nil }
        var rest = text.dropFirst(2)
        stripsTabs = rest.hasPrefix("-")
        if stripsTabs { rest = rest.dropFirst() }
        if let quote = rest.first, quote == "\"" || quote == "'", rest.count >= 2, rest.last == quote {
            rest = rest.dropFirst().dropLast()
        }
        guard let first = rest.first, first.isLetter || first == "_",
              rest.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        word = String(rest)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }

    func trimmingTrailingBlanks() -> SubSequence {
        guard let last = lastIndex(where: { $0 != " " && $0 != "\t" }) else { return self[startIndex..<startIndex] }
        return self[...last]
    }
}
