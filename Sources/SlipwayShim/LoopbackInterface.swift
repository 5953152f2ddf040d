import Glibc

/// A new network namespace's `lo` starts down; this brings it up, which
/// gives it 127.0.0.1/8 and ::1 as on any host.
package enum LoopbackInterface {
    /// `SIOCGIFFLAGS`, `SIOCSIFFLAGS` from <linux/sockios.h>; `IFF_UP` from <net/if.h>.
    private static let getFlags: UInt = 0x8913
    private static let setFlags: UInt = 0x8914
    private static let up: Int16 = 1
    /// A `struct ifreq`: the interface name in 16 bytes, then a union whose
    /// first member, for these calls, is the `short` flags.
    private static let requestSize = 40

    /// Nil once `lo` is up; else the reason.
    package static func bringUp() -> String? {
        let control = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard control >= 0 else { return "socket: \(LinuxNamespaceCalls.lastError())" }
        defer { close(control) }
        var request = [UInt8](repeating: 0, count: requestSize)
        request.replaceSubrange(0..<2, with: Array("lo".utf8))
        return request.withUnsafeMutableBytes { bytes -> String? in
            guard ioctl(control, getFlags, bytes.baseAddress!) == 0 else { return "reading lo's flags: \(LinuxNamespaceCalls.lastError())" }
            let flags = bytes.loadUnaligned(fromByteOffset: 16, as: Int16.self)
            bytes.storeBytes(of: flags | up, toByteOffset: 16, as: Int16.self)
            guard ioctl(control, setFlags, bytes.baseAddress!) == 0 else { return "bringing lo up: \(LinuxNamespaceCalls.lastError())" }
            return nil
        }
    }
}
