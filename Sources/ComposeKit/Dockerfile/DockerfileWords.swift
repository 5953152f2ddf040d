import Foundation

/// Splits arguments into words at blanks outside quotes, keeping quotes and
/// escapes for the substitution that follows (BuildKit's `parseWords`).
enum DockerfileWords {
    static func split(_ text: String, escape: Character) -> [String] {
        var words: [String] = []
        var word = ""
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                word.append(character)
                escaped = false
            } else if character == escape {
                word.append(character)
                escaped = true
            } else if let open = quote {
                word.append(character)
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                word.append(character)
                quote = character
            } else if character == " " || character == "\t" {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// `["a", "b"]`: the exec (JSON) form; nil when the text is not a JSON list of strings (then it is the shell form).
    static func jsonList(_ text: String) -> [String]? {
        guard text.hasPrefix("[") else { return nil }
        return try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}
