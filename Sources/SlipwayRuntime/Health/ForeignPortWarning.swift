/// The warning for an instance listening on a port Slipway did not give it:
/// neither the proxy nor a dependent's `<NAME>_SERVICE_PORT` reaches it there.
struct ForeignPortWarning {
    var port: Int
    /// Container port → private port, as the instance's environment has them.
    var privatePorts: [Int: Int]

    var text: String {
        let own = privatePorts.count == 1
            ? privatePorts.values.map { "$PORT (\($0))" }
            : privatePorts.sorted { $0.key < $1.key }.map { "$PORT_\($0.key) (\($0.value))" }
        return "listens on port \(port), which Slipway did not give it: the proxy cannot reach it there; "
            + "listen on \(own.joined(separator: ", ")) instead"
    }
}
