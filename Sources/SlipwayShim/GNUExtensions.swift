import Glibc

/// glibc functions that Swift's Glibc module hides because it is imported
/// without `_GNU_SOURCE`. They exist in every glibc Slipway supports (≥ 2.34),
/// so they are looked up once by name.
package enum GNUExtensions {
    package typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
    package typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> CInt
    package typealias Pipe2 = @convention(c) (UnsafeMutablePointer<CInt>, CInt) -> CInt
    package typealias PidfdOpen = @convention(c) (pid_t, CUnsignedInt) -> CInt
    /// prctl is variadic in C; on x86-64 and arm64 a call with five integer
    /// arguments through this fixed signature passes them exactly as the
    /// variadic convention does (prctl reads them as unsigned longs).
    package typealias Prctl = @convention(c) (CInt, UInt, UInt, UInt, UInt) -> CInt

    /// `POSIX_SPAWN_SETSID` from <spawn.h> (glibc ≥ 2.26).
    package static let spawnSetSession: CInt = 0x80

    package static let addCloseFrom: CloseFrom = symbol("posix_spawn_file_actions_addclosefrom_np")
    package static let addChangeDirectory: ChangeDirectory = symbol("posix_spawn_file_actions_addchdir_np")
    package static let pipe2: Pipe2 = symbol("pipe2")
    package static let prctl: Prctl = symbol("prctl")
    /// Optional (Linux ≥ 5.3): without it a probe's exit is noticed by a short poll tick instead.
    package static let pidfdOpen: PidfdOpen? = dlsym(nil, "pidfd_open").map { unsafeBitCast($0, to: PidfdOpen.self) }
    /// `PR_SET_CHILD_SUBREAPER` from <linux/prctl.h>.
    package static let setChildSubreaper: CInt = 36

    private static func symbol<F>(_ name: String) -> F {
        guard let address = dlsym(nil, name) else {
            fatalError("glibc lacks \(name); Slipway needs glibc 2.34 or newer")
        }
        return unsafeBitCast(address, to: F.self)
    }
}
