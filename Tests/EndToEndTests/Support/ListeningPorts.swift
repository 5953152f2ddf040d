import Foundation

/// The TCP ports something listens on right now, read from /proc/net/tcp and tcp6.
enum ListeningPorts {
    static func current() -> Set<Int> {
        var ports = Set<Int>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // Field 1 is local address:port in hex, field 3 the state; 0A is LISTEN.
                guard fields.count > 3, fields[3] == "0A", let port = fields[1].split(separator: ":").last.flatMap({ Int($0, radix: 16) })
                else { continue }
                ports.insert(port)
            }
        }
        return ports
    }
}
