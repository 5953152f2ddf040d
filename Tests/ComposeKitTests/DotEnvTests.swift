import ComposeKit
import Testing

@Suite struct DotEnvTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var environment: [String: String] = [:]
        var expected: Result<[Entry], DotEnvError>

        var testDescription: String { text.debugDescription }
    }

    struct Entry: Equatable, Sendable, CustomStringConvertible {
        var key: String
        var value: String?

        var description: String { "\(key)=\(value.debugDescription)" }
    }

    static func parses(_ text: String, env: [String: String] = [:], _ pairs: KeyValuePairs<String, String?>) -> Case {
        Case(text: text, environment: env, expected: .success(pairs.map { Entry(key: $0.key, value: $0.value) }))
    }

    static func fails(_ text: String, line: Int, _ problem: DotEnvError.Problem) -> Case {
        Case(text: text, expected: .failure(DotEnvError(line: line, problem: problem)))
    }

    static let cases: [Case] = [
        parses("A=1\nB=2", ["A": "1", "B": "2"]),
        parses("A = 1\n  B= 2 \n\tC =3", ["A": "1", "B": "2", "C": "3"]),
        parses("export A=1\nexport\tB='2'", ["A": "1", "B": "2"]),
        parses("exportA=1\nexport_B=2", ["exportA": "1", "export_B": "2"]),
        parses("KEY: value\nURL: http://x", ["KEY": "value", "URL": "http://x"]),
        parses("VAR.WITH-DOTS[0]=x", ["VAR.WITH-DOTS[0]": "x"]),
        parses("=orphan", ["": "orphan"]),
        parses("KEY=", ["KEY": ""]),
        parses("KEY=a=b=", ["KEY": "a=b="]),
        // Comments: whole lines, and " #" after an unquoted value only.
        parses("# a comment\n\n   # another\nA=1 # inline\nB=x#y\nC=z #", ["A": "1", "B": "x#y", "C": "z"]),
        parses("A=\"x # y\" # c\nB='y'#c", ["A": "x # y", "B": "y"]),
        // Single quotes are literal, apart from \'.
        parses("A='single $X \\n ${Y}'", ["A": "single $X \\n ${Y}"]),
        parses("A='it\\'s'", ["A": "it's"]),
        // Double quotes: escapes, then interpolation.
        parses("A=\"line\\nnext\\ttab \\\"q\\\" back\\\\\"", ["A": "line\nnext\ttab \"q\" back\\"]),
        parses("A=\"\\a\\b\\f\\r\\v\"", ["A": "\u{07}\u{08}\u{0C}\r\u{0B}"]),
        parses("A=\"\\0101\\0\\q\\x41\"", ["A": "A\\\\q\\x41"]),
        parses("A=\"one\ntwo\"\nB=3", ["A": "one\ntwo", "B": "3"]),
        parses("A=\"\\$X $$Y\"", env: ["X": "no", "Y": "no"], ["A": "$X $Y"]),
        parses("A=a\\tb", ["A": "a\\tb"]),
        // ${} inside values: the environment first, then the file, with operators.
        parses("A=${B}\nB=2\nC=${B}_$B\nD=\"${B}\"", ["A": "", "B": "2", "C": "2_2", "D": "2"]),
        parses("B=file\nC=${B}", env: ["B": "env"], ["B": "file", "C": "env"]),
        parses("A=${X:-default}\nB=${X-unset}\nC=${HOME:+home}", env: ["HOME": "/root"],
               ["A": "default", "B": "unset", "C": "home"]),
        // A bare key takes the environment's value.
        parses("KEY\nA=1\nLAST", ["KEY": nil, "A": "1", "LAST": nil]),
        parses("B\nA=${B}", env: ["B": "env"], ["B": nil, "A": "env"]),
        parses("A=x\nA", ["A": "x"]),
        parses("A=x\nA", env: ["A": "env"], ["A": nil]),
        // One entry per key, with the last value.
        parses("A=1\nB=2\nA=3", ["A": "3", "B": "2"]),
        // Line endings and byte order mark.
        parses("A=1\r\nB=\"x\"\r\nC\r\n", ["A": "1", "B": "x", "C": nil]),
        parses("\u{FEFF}A=1", ["A": "1"]),
        parses("A=ünïcödé\nB=\"€\"", ["A": "ünïcödé", "B": "€"]),
        parses("", [:]),
        parses("# only a comment", [:]),
        // Errors name their line.
        fails("A=1\nB C=2", line: 2, .keyContainsSpace("B C")),
        fails("A=1\n\nlol$wut", line: 3, .unexpectedCharacterInKey("$")),
        fails("\n\nA=\"unterminated\nB=1", line: 3, .unterminatedQuotedValue("\"unterminated")),
        fails("A='value\\'", line: 1, .unterminatedQuotedValue("'value\\'")),
        fails("A=\"x\"\nexport ", line: 2, .missingKey),
        fails("A=1\nB=${X:?is required}", line: 2,
              .interpolation(InterpolationError(.requiredVariableMissing(variable: "X", message: "is required")))),
        fails("A=\"${X\"", line: 1, .interpolation(InterpolationError(.invalidSyntax(reference: "${X", problem: .unterminated)))),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: Case) {
        let environment = testCase.environment
        let actual = Result { () throws(DotEnvError) in
            try DotEnvParser.parse(testCase.text) { environment[$0] }.map { Entry(key: $0.key, value: $0.value) }
        }
        #expect(actual == testCase.expected)
    }

    @Test func earlierFilesComeAfterTheFileAndTheEnvironment() throws {
        let earlier = ["HOST": "earlier", "PORT": "80"]
        let text = "HOST=here\nURL=http://${HOST}:${PORT}/${USER}"
        let alone = try DotEnvParser.parse(text, lookup: { _ in nil }, fallback: { earlier[$0] })
        #expect(alone.last?.value == "http://here:80/")
        let withEnvironment = try DotEnvParser.parse(text, lookup: { ["HOST": "env", "USER": "me"][$0] }, fallback: { earlier[$0] })
        #expect(withEnvironment.last?.value == "http://env:80/me")
    }

    @Test func errorsReadAsComposeWordsThemWithTheLine() {
        #expect(DotEnvError(line: 7, problem: .keyContainsSpace("INVALID LINE")).description
            == "line 7: key cannot contain a space: \"INVALID LINE\"")
        #expect(DotEnvError(line: 2, problem: .unterminatedQuotedValue("\"abc")).description
            == "line 2: unterminated quoted value \"abc")
        let required = InterpolationError(.requiredVariableMissing(variable: "X", message: "set X"))
        #expect(DotEnvError(line: 3, problem: .interpolation(required)).description
            == "line 3: required variable X is missing a value: set X")
        #expect(DotEnvError(line: 1, problem: .unexpectedCharacterInKey("$")).description
            .hasPrefix("line 1: unexpected character \"$\" in variable name"))
    }
}
