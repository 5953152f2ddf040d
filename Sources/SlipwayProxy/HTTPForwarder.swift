import NIOCore

enum HTTPForwarder {
    struct NotReady: Error {}
    static func start(client: any Channel, state: ListenerState) throws {
        throw NotReady()
    }
}
