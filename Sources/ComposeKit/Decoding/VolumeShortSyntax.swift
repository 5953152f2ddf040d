/// The errors compose-go's `format.ParseVolume` finds in a short volume
/// (`source:target[:options]`). Volumes are not emulated, but a spec compose
/// refuses must not load here either: `- ${UNSET}:/data` becomes `:/data`.
enum VolumeShortSyntax {
    /// compose-go's message for a spec it refuses, nil for one it reads.
    static func problem(_ spec: String) -> String? {
        if spec.isEmpty { return "invalid empty volume spec" }
        // One or two characters are a target alone, whatever they are.
        if spec.count <= 2 { return nil }
        var sections = 0
        var buffer: [Character] = []
        var substitutionDepth = 0
        var previous: Character?
        for character in spec {
            if character == "{" && previous == "$" { substitutionDepth += 1 }
            if character == "}" && substitutionDepth > 0 { substitutionDepth -= 1 }
            previous = character
            if character == ":" && buffer.count == 1 && buffer[0].isLetter {
                buffer.append(character)  // a Windows drive, `C:`
            } else if character == ":" && substitutionDepth == 0 {
                if let problem = sectionProblem(buffer, sectionsBefore: sections, atColon: true) { return "invalid spec: \(spec): \(problem)" }
                sections += 1
                buffer = []
            } else {
                buffer.append(character)
            }
        }
        return sectionProblem(buffer, sectionsBefore: sections, atColon: false).map { "invalid spec: \(spec): \($0)" }
    }

    /// Source and target come first; a third section (the options) may not be followed by a colon.
    private static func sectionProblem(_ buffer: [Character], sectionsBefore: Int, atColon: Bool) -> String? {
        if buffer.isEmpty { return "empty section between colons" }
        if sectionsBefore >= 2 && atColon { return "too many colons" }
        return nil
    }
}
