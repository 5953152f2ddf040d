import NIOCore

/// Builds the pipeline of an accepted client connection in HTTP mode. Requests and responses
/// stay bytes end to end: small parsers find where messages end and the head rewriters change
/// only what crosses the proxy differently.
enum HTTPForwarder {
    static func start(client: any Channel, state: ListenerState) throws {
        try client.pipeline.syncOperations.addHandler(HTTPExchangeHandler(state: state))
    }
}
