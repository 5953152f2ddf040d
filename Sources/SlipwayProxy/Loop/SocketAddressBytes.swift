#if canImport(Glibc)
import Glibc
#endif

/// A resolved IPv4 or IPv6 socket address, stored by value so connecting to an instance reads
/// no name service and allocates nothing.
struct SocketAddressBytes: @unchecked Sendable {
    // Sendable: plain bytes (`sockaddr_storage` holds no pointers); unchecked only because the
    // imported C struct does not declare it.
    private(set) var storage = sockaddr_storage()
    private(set) var length: socklen_t = 0

    var family: Int32 { Int32(storage.ss_family) }

    /// Resolves `host` (an address or a name) and `port`; nil when it cannot be resolved.
    static func resolve(host: String, port: Int, passive: Bool = false) -> SocketAddressBytes? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = passive ? AI_PASSIVE : 0
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else { return nil }
        defer { freeaddrinfo(results) }
        var address = SocketAddressBytes()
        withUnsafeMutableBytes(of: &address.storage) { bytes in
            bytes.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        }
        address.length = first.pointee.ai_addrlen
        return address
    }

    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafeBytes(of: storage) { bytes in
            body(bytes.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}

/// The socket calls the loop makes outside a connection's state machine.
enum LoopSocket {
    static func setNoDelay(_ fd: Int32) {
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The peer's IP address as text (`127.0.0.1`, `::1`), for `X-Forwarded-For` and the access log.
    static func peerAddress(of fd: Int32) -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutableBytes(of: &storage) { bytes in
            getpeername(fd, bytes.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
        }
        guard result == 0 else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let converted = withUnsafeBytes(of: storage) { bytes -> Bool in
            switch Int32(storage.ss_family) {
            case AF_INET:
                var address = bytes.load(as: sockaddr_in.self).sin_addr
                return inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil
            case AF_INET6:
                var address = bytes.load(as: sockaddr_in6.self).sin6_addr
                return inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil
            default:
                return false
            }
        }
        return converted ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }

    /// A non-blocking socket with a connect to `address` started: the fd, or the errno of a
    /// failure known at once.
    static func startConnect(to address: SocketAddressBytes) -> Result<Int32, ConnectFailure> {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(ConnectFailure(errno: errno)) }
        setNoDelay(fd)
        let result = address.withSockaddr { connect(fd, $0, $1) }
        if result == 0 || errno == EINPROGRESS { return .success(fd) }
        let error = errno
        close(fd)
        return .failure(ConnectFailure(errno: error))
    }

    struct ConnectFailure: Error {
        let errno: Int32
    }

    /// A bound, listening, non-blocking socket and the port it got.
    static func listen(host: String, port: Int) throws(ProxyError) -> (fd: Int32, port: Int) {
        guard let address = SocketAddressBytes.resolve(host: host, port: port, passive: true) else {
            throw .bindFailed(host: host, port: port, reason: "cannot resolve \(host)")
        }
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .bindFailed(host: host, port: port, reason: String(cString: strerror(errno))) }
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        if address.withSockaddr({ bind(fd, $0, $1) }) != 0 {
            let error = errno
            close(fd)
            if error == EADDRINUSE { throw .portInUse(host: host, port: port) }
            throw .bindFailed(host: host, port: port, reason: String(cString: strerror(error)))
        }
        guard Glibc.listen(fd, 4096) == 0 else {
            let error = errno
            close(fd)
            throw .bindFailed(host: host, port: port, reason: String(cString: strerror(error)))
        }
        return (fd, boundPort(of: fd) ?? port)
    }

    private static func boundPort(of fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutableBytes(of: &storage) { bytes in
            getsockname(fd, bytes.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
        }
        guard result == 0 else { return nil }
        return withUnsafeBytes(of: storage) { bytes -> Int in
            switch Int32(storage.ss_family) {
            case AF_INET: Int(UInt16(bigEndian: bytes.load(as: sockaddr_in.self).sin_port))
            default: Int(UInt16(bigEndian: bytes.load(as: sockaddr_in6.self).sin6_port))
            }
        }
    }
}
