/// One substitution of a template, as compose-go's `template.Substitute` does it,
/// collecting the names of unset variables on the way.
struct TemplateSubstitution {
    private(set) var unsetVariables: [String] = []

    mutating func substitute(
        _ template: ArraySlice<UInt8>, lookup: (String) -> String?
    ) throws(InterpolationError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(template.count)
        var index = template.startIndex
        while let dollar = template[index...].firstIndex(of: Template.dollar) {
            output.append(contentsOf: template[index..<dollar])
            index = try expand(template, at: dollar, into: &output, lookup: lookup)
        }
        output.append(contentsOf: template[index...])
        return output
    }

    /// Expands the reference that starts at `dollar`; returns where the text after it starts.
    private mutating func expand(
        _ template: ArraySlice<UInt8>, at dollar: Int, into output: inout [UInt8], lookup: (String) -> String?
    ) throws(InterpolationError) -> Int {
        let next = dollar + 1
        guard next < template.endIndex else {
            output.append(Template.dollar)
            return next
        }
        let byte = template[next]
        if byte == Template.dollar {
            output.append(Template.dollar)
            return next + 1
        }
        if Template.isNameStart(byte) {
            let end = Template.nameEnd(template, from: next)
            output.append(contentsOf: variable(name(template[next..<end]), lookup: lookup).utf8)
            return end
        }
        if byte == Template.openBrace {
            return try expandBraced(template, at: dollar, into: &output, lookup: lookup)
        }
        // compose keeps a `$` that starts no reference, as in `^REGEX$` or `a $ b`.
        output.append(Template.dollar)
        return next
    }

    private mutating func expandBraced(
        _ template: ArraySlice<UInt8>, at dollar: Int, into output: inout [UInt8], lookup: (String) -> String?
    ) throws(InterpolationError) -> Int {
        let nameStart = dollar + 2
        guard nameStart < template.endIndex else { throw invalid(template, at: dollar, .unterminated) }
        guard Template.isNameStart(template[nameStart]) else {
            let missing = template[nameStart] == Template.closeBrace
            throw invalid(template, at: dollar, missing ? .missingName : .invalidName)
        }
        let nameEnd = Template.nameEnd(template, from: nameStart)
        let variableName = name(template[nameStart..<nameEnd])
        guard nameEnd < template.endIndex, template[nameEnd] != Template.newline else {
            throw invalid(template, at: dollar, .unterminated)
        }
        if template[nameEnd] == Template.closeBrace {
            output.append(contentsOf: variable(variableName, lookup: lookup).utf8)
            return nameEnd + 1
        }
        if let (op, length) = TemplateOperator.parse(template, at: nameEnd) {
            let argumentStart = nameEnd + length
            guard let close = Template.closingBrace(template, reference: dollar, argument: argumentStart) else {
                throw invalid(template, at: dollar, .unterminated)
            }
            let argument = template[argumentStart..<close]
            output.append(contentsOf: try apply(op, to: variableName, argument: argument, lookup: lookup))
            return close + 1
        }
        if template[nameEnd] == Template.openBracket,
           let close = Template.namedMappingEnd(template, reference: dollar, bracket: nameEnd) {
            output.append(contentsOf: template[dollar...close])
            return close + 1
        }
        throw invalid(template, at: dollar, .invalidOperator(firstCharacter(template[nameEnd...])))
    }

    private mutating func apply(
        _ op: TemplateOperator, to variableName: String, argument: ArraySlice<UInt8>, lookup: (String) -> String?
    ) throws(InterpolationError) -> [UInt8] {
        let value = lookup(variableName)
        guard op.usesArgument(for: value) else { return Array((value ?? "").utf8) }
        let expanded = try substitute(argument, lookup: lookup)
        guard op.raisesError else { return expanded }
        let message = String(decoding: expanded, as: UTF8.self)
        throw InterpolationError(.requiredVariableMissing(variable: variableName, message: message))
    }

    private mutating func variable(_ variableName: String, lookup: (String) -> String?) -> String {
        if let value = lookup(variableName) { return value }
        if !unsetVariables.contains(variableName) { unsetVariables.append(variableName) }
        return ""
    }

    private func name(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private func invalid(
        _ template: ArraySlice<UInt8>, at dollar: Int, _ problem: InterpolationError.SyntaxProblem
    ) -> InterpolationError {
        InterpolationError(.invalidSyntax(reference: reference(template, at: dollar), problem: problem))
    }

    /// The reference as the user wrote it: up to its first `}` or the end of its line.
    private func reference(_ template: ArraySlice<UInt8>, at dollar: Int) -> String {
        let lineEnd = Template.lineEnd(template, from: dollar)
        let line = template[dollar..<lineEnd]
        let end = line.firstIndex(of: Template.closeBrace).map { $0 + 1 } ?? lineEnd
        return String(decoding: template[dollar..<end], as: UTF8.self)
    }

    private func firstCharacter(_ bytes: ArraySlice<UInt8>) -> String {
        String(String(decoding: bytes.prefix(4), as: UTF8.self).prefix(1))
    }
}
