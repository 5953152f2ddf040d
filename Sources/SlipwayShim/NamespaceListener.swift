import Glibc

/// A TCP socket bound at `ADDRESS:PORT` (`127.0.0.1:8000`, `::1:8000`) in
/// the calling process's network namespace, non-blocking, not yet listening:
/// the supervisor calls `listen` once what it routes to listens
/// (`InstanceNetworkNamespace`), and until then a connect to it is refused.
package enum NamespaceListener {
    package struct Failure: Error {
        var reason: String
    }

    package static func open(_ endpoint: String) -> Result<CInt, Failure> {
        guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...]) else {
            return .failure(Failure(reason: "not ADDRESS:PORT"))
        }
        let address = String(endpoint[..<colon])
        let isIPv6 = address.contains(":")
        let descriptor = socket(
            isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return .failure(Failure(reason: "socket: \(LinuxNamespaceCalls.lastError())")) }
        var on: CInt = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<CInt>.size))
        // nil when `address` is not one.
        let bound: CInt?
        if isIPv6 {
            _ = setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<CInt>.size))
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = port.bigEndian
            bound = inet_pton(AF_INET6, address, &socketAddress.sin6_addr) == 1 ? bind(descriptor, to: &socketAddress) : nil
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            bound = inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 ? bind(descriptor, to: &socketAddress) : nil
        }
        guard let bound else {
            close(descriptor)
            return .failure(Failure(reason: "not an address"))
        }
        guard bound == 0 else {
            let reason = LinuxNamespaceCalls.lastError()
            close(descriptor)
            return .failure(Failure(reason: reason))
        }
        return .success(descriptor)
    }

    private static func bind<Address>(_ descriptor: CInt, to address: inout Address) -> CInt {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<Address>.size)) }
        }
    }
}
