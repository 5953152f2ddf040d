/// Reads `.env` and `env_file` text as docker compose does (compose-go's `dotenv`):
/// `KEY=VALUE`, `export KEY=…`, `KEY: value`, a bare `KEY`, `#` comments (whole lines,
/// and after ` #` in unquoted values), single quotes (literal), double quotes (escapes,
/// several lines), `${…}` in unquoted and double-quoted values, CRLF and a byte order mark.
public enum DotEnvParser {
    /// Returns the variables in file order, each key once with its last value; a bare
    /// `KEY` has the value nil: "take it from the environment".
    ///
    /// A `${VAR}` inside a value resolves as in compose: from `lookup` first (compose lets
    /// the process environment win even inside the file), then from keys set earlier in
    /// this text, then from `fallback` (the variables of env files read before this one).
    public static func parse(
        _ text: String,
        lookup: (String) -> String?,
        fallback: (String) -> String? = { _ in nil }
    ) throws(DotEnvError) -> [(key: String, value: String?)] {
        var cursor = DotEnvCursor(text)
        var variables = DotEnvVariables()
        while cursor.nextStatement() {
            let statementLine = cursor.line
            let (key, isBare) = try cursor.readKey()
            if isBare {
                variables.inherit(key, available: lookup(key) != nil)
                continue
            }
            let raw = try cursor.readValue()
            do {
                let value = try resolve(raw) { lookup($0) ?? variables[$0] ?? fallback($0) }
                variables.assign(key, value)
            } catch {
                throw DotEnvError(line: statementLine, problem: .interpolation(error))
            }
        }
        return variables.entries
    }

    private static func resolve(
        _ raw: DotEnvCursor.RawValue, lookup: (String) -> String?
    ) throws(InterpolationError) -> String {
        var substitution = TemplateSubstitution()
        switch raw {
        case let .unquoted(bytes):
            return String(decoding: try substitution.substitute(bytes, lookup: lookup), as: UTF8.self)
        case let .doubleQuoted(bytes):
            let expanded = DoubleQuotedEscapes.expand(bytes)
            return String(decoding: try substitution.substitute(expanded[...], lookup: lookup), as: UTF8.self)
        case let .singleQuoted(bytes):
            return String(decoding: bytes, as: UTF8.self).replacing("\\'", with: "'")
        }
    }
}
