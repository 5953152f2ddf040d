import Glibc

/// glibc functions the Swift Glibc module hides (it is imported without
/// `_GNU_SOURCE`), looked up by name once. All exist since glibc 2.36.
enum GlibcProbeSymbols {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<CInt>, CInt) -> CInt
    typealias PidfdOpen = @convention(c) (pid_t, CUnsignedInt) -> CInt
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
    typealias AddChangeDirectory = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> CInt

    static let pipe2: Pipe2 = required("pipe2")
    static let addCloseFrom: AddCloseFrom = required("posix_spawn_file_actions_addclosefrom_np")
    static let addChangeDirectory: AddChangeDirectory = required("posix_spawn_file_actions_addchdir_np")
    /// Optional: without it a probe's exit is noticed by a short poll tick instead.
    static let pidfdOpen: PidfdOpen? = optional("pidfd_open")

    private static func required<F>(_ name: String) -> F {
        guard let function: F = optional(name) else {
            fatalError("glibc lacks \(name); Slipway needs glibc 2.36 or newer")
        }
        return function
    }

    private static func optional<F>(_ name: String) -> F? {
        dlsym(nil, name).map { unsafeBitCast($0, to: F.self) }
    }
}
