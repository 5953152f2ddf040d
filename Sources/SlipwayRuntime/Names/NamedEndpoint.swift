/// A service's container port as its name reaches it: the proxy's listener at `address:port`.
struct NamedEndpoint: Sendable, Equatable {
    var service: String
    var containerPort: Int
    var address: String
    var port: Int
}
