/// Idle keep-alive connections to one instance, reused most-recently-parked first.
final class UpstreamPool {
    private var idle: [UpstreamConnection] = []
    private static let maxIdle = 512

    /// An idle connection that still looks open, if any.
    func take() -> UpstreamConnection? {
        while let connection = idle.popLast() {
            if connection.isOpen { return connection }
        }
        return nil
    }

    func park(_ connection: UpstreamConnection) {
        guard idle.count < Self.maxIdle else {
            connection.close()
            return
        }
        idle.append(connection)
    }

    /// Forgets a parked connection that the upstream closed.
    func remove(_ connection: UpstreamConnection) {
        idle.removeAll { $0 === connection }
    }

    func closeIdle() {
        let parked = idle
        idle = []
        for connection in parked { connection.close() }
    }
}
