/// The backslash escapes compose's `.env` reader expands inside double quotes:
/// `\a \b \f \n \r \t \v \" \\`, `\$` (a literal `$`), and octal `\0NNN`.
/// Any other backslash is kept as written.
enum DoubleQuotedEscapes {
    static func expand(_ value: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        var index = value.startIndex
        while index < value.endIndex {
            let byte = value[index]
            let next = index + 1
            guard byte == backslash, next < value.endIndex else {
                output.append(byte)
                index = next
                continue
            }
            if value[next] == UInt8(ascii: "0") {
                index = expandOctal(value, digitsFrom: next + 1, into: &output)
            } else if let replacement = single(value[next]) {
                output.append(contentsOf: replacement)
                index = next + 1
            } else {
                output.append(byte)
                index = next
            }
        }
        return output
    }

    private static let backslash = UInt8(ascii: "\\")

    private static func single(_ letter: UInt8) -> [UInt8]? {
        switch letter {
        case UInt8(ascii: "a"): [0x07]
        case UInt8(ascii: "b"): [0x08]
        case UInt8(ascii: "f"): [0x0C]
        case UInt8(ascii: "n"): [0x0A]
        case UInt8(ascii: "r"): [0x0D]
        case UInt8(ascii: "t"): [0x09]
        case UInt8(ascii: "v"): [0x0B]
        case UInt8(ascii: "\""): [letter]
        case backslash: [letter]
        // Interpolation runs next; `$$` is how it spells a literal `$`.
        case Template.dollar: [Template.dollar, Template.dollar]
        default: nil
        }
    }

    /// `\0` and up to three digits. compose-go reads `\0NNN` as the octal code NNN and,
    /// when that is not a valid code, keeps the text without its `0`.
    private static func expandOctal(_ value: ArraySlice<UInt8>, digitsFrom start: Int, into output: inout [UInt8]) -> Int {
        let digits = value[start...].prefix(3).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let octal = digits.count == 3 && digits.allSatisfy { $0 <= UInt8(ascii: "7") }
            ? digits.reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) } : 256
        if octal < 256, let scalar = Unicode.Scalar(octal) {
            output.append(contentsOf: String(Character(scalar)).utf8)
        } else {
            output.append(backslash)
            output.append(contentsOf: digits)
        }
        return digits.endIndex
    }
}
