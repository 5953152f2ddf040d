import Glibc
import SlipwayShim

/// The four pipes between supervisor and shim (commands, events, the
/// service's stdout and its stderr, kept apart for the log's stream field),
/// plus /dev/null for stdin.
struct ShimPipes {
    let commandsRead: CInt, commandsWrite: CInt
    let eventsRead: CInt, eventsWrite: CInt
    let outputRead: CInt, outputWrite: CInt
    let errorsRead: CInt, errorsWrite: CInt
    let null: CInt

    init() throws(LaunchError) {
        (commandsRead, commandsWrite) = try Self.pipe()
        (eventsRead, eventsWrite) = try Self.pipe()
        (outputRead, outputWrite) = try Self.pipe()
        (errorsRead, errorsWrite) = try Self.pipe()
        null = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    var shimSide: [CInt: CInt] {
        [0: null, 1: outputWrite, 2: errorsWrite, ShimDescriptor.commands: commandsRead, ShimDescriptor.events: eventsWrite]
    }

    func closeShimSide() {
        [null, outputWrite, errorsWrite, commandsRead, eventsWrite].forEach { close($0) }
    }

    private static func pipe() throws(LaunchError) -> (CInt, CInt) {
        var ends: [CInt] = [0, 0]
        guard GNUExtensions.pipe2(&ends, O_CLOEXEC) == 0 else {
            throw LaunchError(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        return (ends[0], ends[1])
    }
}
