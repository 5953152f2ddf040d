/// ArgumentParser only accepts a subcommand's options after its name, while
/// docker compose users write `slipway -f a.yaml -p demo config`. This pre-pass
/// moves global options that precede the subcommand to just after it.
enum GlobalArgumentOrder {
    static func reorder(_ arguments: [String], subcommands: [String]) -> [String] {
        var moved: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if subcommands.contains(argument) {
                return [argument] + moved + arguments[(index + 1)...]
            }
            guard let takesValue = globalOption(argument) else {
                return arguments
            }
            moved.append(argument)
            if takesValue, index + 1 < arguments.count {
                moved.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        return arguments
    }

    /// Whether the argument is a global option, and whether its value is the next argument.
    private static func globalOption(_ argument: String) -> Bool? {
        if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
            return GlobalOptions.names[String(argument[..<equals])] == nil ? nil : false
        }
        return GlobalOptions.names[argument]
    }
}
