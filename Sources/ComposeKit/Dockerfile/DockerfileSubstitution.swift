/// Docker's variable substitution and quote removal for one word
/// (BuildKit's `ProcessWord`): `$NAME`, `${NAME}`, `${NAME:-word}`,
/// `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`, `${NAME:?message}`,
/// `${NAME?message}`; single quotes keep text literal, double quotes keep
/// blanks, the escape character makes the next character literal.
struct DockerfileSubstitution {
    let escape: Character
    let lookup: (String) -> String?
    let instruction: DockerfileInstruction

    func expand(_ text: String) throws(DockerfileError) -> String {
        var cursor = Cursor(Array(text))
        return try word(&cursor, insideBraces: false)
    }

    private struct Cursor {
        let characters: [Character]
        var index = 0
        init(_ characters: [Character]) { self.characters = characters }
        var current: Character? { index < characters.count ? characters[index] : nil }
        var next: Character? { index + 1 < characters.count ? characters[index + 1] : nil }
    }

    private func word(_ cursor: inout Cursor, insideBraces: Bool) throws(DockerfileError) -> String {
        var result = ""
        while let character = cursor.current {
            if insideBraces && character == "}" { return result }
            switch character {
            case escape:
                cursor.index += 1
                if let literal = cursor.current {
                    result.append(literal)
                    cursor.index += 1
                }
            case "'":
                result += try singleQuoted(&cursor)
            case "\"":
                result += try doubleQuoted(&cursor)
            case "$":
                result += try dollar(&cursor)
            default:
                result.append(character)
                cursor.index += 1
            }
        }
        if insideBraces { throw instruction.error("missing \"}\" in a ${...} substitution") }
        return result
    }

    private func singleQuoted(_ cursor: inout Cursor) throws(DockerfileError) -> String {
        cursor.index += 1
        var result = ""
        while let character = cursor.current {
            cursor.index += 1
            if character == "'" { return result }
            result.append(character)
        }
        throw instruction.error("unterminated single quote")
    }

    private func doubleQuoted(_ cursor: inout Cursor) throws(DockerfileError) -> String {
        cursor.index += 1
        var result = ""
        while let character = cursor.current {
            if character == "\"" {
                cursor.index += 1
                return result
            }
            if character == escape, let next = cursor.next, next == "\"" || next == "$" || next == escape {
                result.append(next)
                cursor.index += 2
            } else if character == "$" {
                result += try dollar(&cursor)
            } else {
                result.append(character)
                cursor.index += 1
            }
        }
        throw instruction.error("unterminated double quote")
    }

    private func dollar(_ cursor: inout Cursor) throws(DockerfileError) -> String {
        cursor.index += 1
        if cursor.current == "{" {
            cursor.index += 1
            return try braced(&cursor)
        }
        let name = self.name(&cursor)
        return name.isEmpty ? "$" : lookup(name) ?? ""
    }

    private func braced(_ cursor: inout Cursor) throws(DockerfileError) -> String {
        let name = self.name(&cursor)
        guard !name.isEmpty else { throw instruction.error("bad substitution: a variable name must follow \"${\"") }
        if cursor.current == "}" {
            cursor.index += 1
            return lookup(name) ?? ""
        }
        guard cursor.current != nil else { throw instruction.error("missing \"}\" in a ${...} substitution") }
        let colon = cursor.current == ":"
        if colon { cursor.index += 1 }
        guard let operation = cursor.current, "-+?".contains(operation) else {
            let found = cursor.current.map { "\"\($0)\"" } ?? "the end of the text"
            throw instruction.error("unsupported substitution in ${\(name)...}: found \(found); Slipway reads ${NAME}, ${NAME:-default}, ${NAME:+alternative} and ${NAME:?message}")
        }
        cursor.index += 1
        let argument = try word(&cursor, insideBraces: true)
        cursor.index += 1
        let value = lookup(name)
        let isSet = colon ? !(value ?? "").isEmpty : value != nil
        switch operation {
        case "-": return isSet ? value ?? "" : argument
        case "+": return isSet ? argument : ""
        default:
            guard isSet else { throw instruction.error("\(name): \(argument.isEmpty ? "is not set" : argument)") }
            return value ?? ""
        }
    }

    private func name(_ cursor: inout Cursor) -> String {
        var name = ""
        while let character = cursor.current, character.isASCII, character.isLetter || character.isNumber || character == "_" {
            name.append(character)
            cursor.index += 1
        }
        return name
    }
}
