import Glibc

/// glibc's spawn extensions, hidden from Swift's Glibc module (no `_GNU_SOURCE`).
enum SpawnExtensions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> CInt
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<CInt>, CInt) -> CInt

    static let addCloseFrom: CloseFrom = symbol("posix_spawn_file_actions_addclosefrom_np")
    static let addChangeDirectory: ChangeDirectory = symbol("posix_spawn_file_actions_addchdir_np")
    static let pipe2: Pipe2 = symbol("pipe2")

    private static func symbol<F>(_ name: String) -> F {
        guard let address = dlsym(nil, name) else { fatalError("glibc lacks \(name)") }
        return unsafeBitCast(address, to: F.self)
    }
}
