import Testing
@testable import SlipwayShim

/// The spec line the supervisor writes and the shim reads back: every
/// string survives, whatever it holds, and a damaged line is refused.
@Suite("ShimSpec line")
struct ShimSpecLineTests {
    @Test("every value comes back as it was: spaces, newlines, backslashes, CRLF, empty, =, combining marks")
    func roundTrip() {
        let spec = ShimSpec(
            executable: "/usr/bin/my prog",
            arguments: ["my prog", "", "a\\b", "line\none", "crlf\r\nend", "k=v", " \u{301}x", "trailing\\"],
            environment: ["PATH=/usr/bin:/bin", "EMPTY=", "SPACED=a b  c", "MULTI=1\n2\n"],
            workingDirectory: "/tmp/with space",
            stopSignal: 15, stopGraceMilliseconds: 10_000, hostsFile: "/state/hosts/web")
        let line = spec.line
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().utf8.contains(UInt8(ascii: "\n")) == false, "a value's newline reached the line: \(line)")
        #expect(ShimSpec(line: line.dropLast()) == spec)
    }

    @Test("absent working directory and hosts file stay absent")
    func optionalsStayAbsent() {
        let spec = ShimSpec(
            executable: "/bin/sleep", arguments: ["sleep", "1"], environment: [], workingDirectory: nil,
            stopSignal: 2, stopGraceMilliseconds: 0)
        let decoded = ShimSpec(line: spec.line.dropLast())
        #expect(decoded == spec)
        #expect(decoded?.workingDirectory == nil && decoded?.hostsFile == nil)
    }

    @Test("a dangling or unknown escape, an unknown key, or a missing field is no spec", arguments: [
        "x=/bin/true s=15 g=0 a=oops\\",
        "x=/bin/true s=15 g=0 a=\\q",
        "x=/bin/true s=15 g=0 z=1",
        "x=/bin/true s=15",
        "s=15 g=0",
        "x=/bin/true s=fifteen g=0",
        "x=/bin/true s=15 g=0 noequals",
        "",
    ])
    func damagedLines(_ line: String) {
        #expect(ShimSpec(line: line[...]) == nil)
    }
}
