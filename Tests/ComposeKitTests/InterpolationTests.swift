import ComposeKit
import Testing

@Suite struct InterpolationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        enum Outcome: Sendable {
            case value(String, unset: [String])
            case failure(InterpolationError.Kind)
        }

        var template: String
        var outcome: Outcome

        var testDescription: String { template.debugDescription }

        static func value(_ template: String, _ expected: String, unset: [String] = []) -> Case {
            Case(template: template, outcome: .value(expected, unset: unset))
        }

        static func required(_ template: String, _ variable: String, _ message: String) -> Case {
            Case(template: template, outcome: .failure(.requiredVariableMissing(variable: variable, message: message)))
        }

        static func invalid(
            _ template: String, _ reference: String, _ problem: InterpolationError.SyntaxProblem
        ) -> Case {
            Case(template: template, outcome: .failure(.invalidSyntax(reference: reference, problem: problem)))
        }
    }

    static let environment = ["FOO": "foo", "EMPTY": "", "NUM": "42", "DOLLAR": "a$b", "Mixed_Case1": "mixed"]
    static let interpolator = Interpolator { environment[$0] }

    static let cases: [Case] = [
        .value("plain text", "plain text"),
        .value("$FOO", "foo"),
        .value("${FOO}", "foo"),
        .value("$FOO.bar", "foo.bar"),
        .value("$FOO-bar", "foo-bar"),
        .value("$FOObar", "", unset: ["FOObar"]),
        .value("${FOO}bar", "foobar"),
        .value("$Mixed_Case1 ${Mixed_Case1}", "mixed mixed"),
        .value("x${FOO}y${NUM}z", "xfooy42z"),
        .value("é${FOO}ü", "éfooü"),
        .value("one\n${FOO}\nthree", "one\nfoo\nthree"),
        .value("$UNSET and ${UNSET} and $OTHER", " and  and ", unset: ["UNSET", "OTHER"]),
        .value("${EMPTY}", ""),
        .value("${DOLLAR}", "a$b"),
        // `$` that starts no reference stays as written.
        .value("a $ b", "a $ b"),
        .value("costs 5$", "costs 5$"),
        .value("$1 $} $-", "$1 $} $-"),
        // `$$` escapes.
        .value("$$", "$"),
        .value("$$FOO", "$FOO"),
        .value("$$$FOO", "$foo"),
        .value("$${FOO}", "${FOO}"),
        .value("echo $$((1+2))", "echo $((1+2))"),
        // Defaults: `:-` for unset or empty, `-` for unset only.
        .value("${UNSET:-d}", "d"),
        .value("${EMPTY:-d}", "d"),
        .value("${FOO:-d}", "foo"),
        .value("${UNSET-d}", "d"),
        .value("${EMPTY-d}", ""),
        .value("${FOO-d}", "foo"),
        .value("${UNSET:-}", ""),
        // Alternatives: `:+` when set and not empty, `+` when set.
        .value("${UNSET:+alt}", ""),
        .value("${EMPTY:+alt}", ""),
        .value("${FOO:+alt}", "alt"),
        .value("${UNSET+alt}", ""),
        .value("${EMPTY+alt}", "alt"),
        .value("${FOO+alt}", "alt"),
        // Required: `:?` fails on unset or empty, `?` on unset only.
        .value("${FOO:?must}", "foo"),
        .value("${FOO?must}", "foo"),
        .value("${EMPTY?must}", ""),
        .required("${UNSET:?must be set}", "UNSET", "must be set"),
        .required("${EMPTY:?must not be empty}", "EMPTY", "must not be empty"),
        .required("${UNSET?gone}", "UNSET", "gone"),
        .required("${UNSET?}", "UNSET", ""),
        .required("${UNSET:?need ${FOO} here}", "UNSET", "need foo here"),
        .required("${UNSET?x:-y}", "UNSET", "x:-y"),
        .required("${UNSET:?first} ${ALSO:?second}", "UNSET", "first"),
        // Arguments are themselves interpolated, and only when used.
        .value("${A:-${B:-c}}", "c"),
        .value("${UNSET:-${EMPTY:-${FOO}}}", "foo"),
        .value("${UNSET:-$FOO and ${NUM}}", "foo and 42"),
        .value("${FOO:+[${NUM}]}", "[42]"),
        .value("${UNSET:-${MISSING}}", "", unset: ["MISSING"]),
        .value("${FOO:-${MISSING}}", "foo"),
        .value("${FOO:?${MISSING:?never evaluated}}", "foo"),
        .value("${UNSET:+${MISSING}}", ""),
        .value("${UNSET:-$$}", "$"),
        // The first operator after the name wins; the rest belongs to the argument.
        .value("${UNSET:-a:b:c}", "a:b:c"),
        .value("${UNSET-a-b:-c}", "a-b:-c"),
        .value("${FOO+x?y}", "x?y"),
        .value("${TIME:-12:30:45}", "12:30:45"),
        // Braces inside an argument are balanced; text after the reference is kept.
        .value(#"${UNSET:-{"k":1}}"#, #"{"k":1}"#),
        .value("${UNSET:-x} }", "x }"),
        .value("${UNSET:-x}${FOO:-y}", "xfoo"),
        // compose-go leaves named-mapping references as written.
        .value("${secret[key]}", "${secret[key]}"),
        // Syntax errors name the reference.
        .invalid("${", "${", .unterminated),
        .invalid("a ${FOO", "${FOO", .unterminated),
        .invalid("${FOO:-x", "${FOO:-x", .unterminated),
        .invalid("${FOO:-x\n}", "${FOO:-x", .unterminated),
        .invalid("${}", "${}", .missingName),
        .invalid("${ FOO}", "${ FOO}", .invalidName),
        .invalid("${1abc}", "${1abc}", .invalidName),
        .invalid("${FOO }", "${FOO }", .invalidOperator(" ")),
        .invalid("${FOO!}", "${FOO!}", .invalidOperator("!")),
        .invalid("${FOO:bar}", "${FOO:bar}", .invalidOperator(":")),
        .invalid("${FOO.bar}", "${FOO.bar}", .invalidOperator(".")),
        .invalid("${UNSET:-${}}", "${}", .missingName),
    ]

    @Test(arguments: cases)
    func interpolates(_ testCase: Case) {
        switch testCase.outcome {
        case let .value(expected, unset):
            #expect(throws: Never.self) {
                let result = try Self.interpolator.interpolate(testCase.template)
                #expect(result == InterpolatedText(value: expected, unsetVariables: unset))
            }
        case let .failure(kind):
            #expect(throws: InterpolationError(kind)) { try Self.interpolator.interpolate(testCase.template) }
        }
    }

    @Test func requiredErrorsUseComposeWording() {
        let missing = InterpolationError(.requiredVariableMissing(variable: "DB_PASSWORD", message: "set it in .env"))
        #expect(missing.description == "required variable DB_PASSWORD is missing a value: set it in .env")
        let bare = InterpolationError(.requiredVariableMissing(variable: "DB_PASSWORD", message: ""))
        #expect(bare.description == "required variable DB_PASSWORD is missing a value")
    }

    @Test func syntaxErrorsShowTheReferenceAndTheEscape() {
        let error = InterpolationError(.invalidSyntax(reference: "${FOO!}", problem: .invalidOperator("!")))
        #expect(error.description.contains("\"${FOO!}\""))
        #expect(error.description.contains("\"!\" cannot follow the variable name"))
        #expect(error.description.contains("$$"))
    }

    @Test(arguments: ["", "$", "$$", "${FOO}", "a$b$", "${UNSET:?x}", "price: 5$ ${FOO:-$BAR}"])
    func escapedTextReadsBackUnchanged(_ text: String) throws {
        let escaped = Interpolator.escape(text)
        #expect(try Self.interpolator.interpolate(escaped) == InterpolatedText(value: text))
    }
}
