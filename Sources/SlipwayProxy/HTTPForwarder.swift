import NIOCore
import NIOHTTP1

/// Builds the pipeline of an accepted client connection in HTTP mode: NIO's decoder parses
/// (and bounds) what clients send; responses go back as bytes, without an encoder.
enum HTTPForwarder {
    /// Requests keep the framing headers the client sent (the body parts follow that framing),
    /// so the encoder must not second-guess them.
    static var passThroughFraming: HTTPRequestEncoder.Configuration {
        var configuration = HTTPRequestEncoder.Configuration()
        configuration.automaticallySetFramingHeaders = false
        return configuration
    }

    static func start(client: any Channel, state: ListenerState) throws {
        let limits = state.config.limits
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
        let headReadDeadline = HeadReadDeadline(timeout: limits.headerReadTimeout)
        let pipeline = client.pipeline.syncOperations
        try pipeline.addHandlers([
            IdleTimeout(timeout: limits.idleTimeout),
            headReadDeadline,
            ByteToMessageHandler(HTTPRequestDecoder(
                leftOverBytesStrategy: .forwardBytes,
                limitConfiguration: decoderLimits
            )),
            HTTPExchangeHandler(state: state, headReadDeadline: headReadDeadline),
        ])
    }
}
