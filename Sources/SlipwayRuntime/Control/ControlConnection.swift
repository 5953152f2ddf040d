import Foundation
import NIOCore

/// One client connection: a request line in, a reply line out (or, for
/// `watch`, event lines until either side goes away, then `end`).
struct ControlConnection: Sendable {
    let handler: any ControlRequestHandler
    let closing: ShutdownSignal

    /// How long a client may take to send its request before it is dropped.
    static let requestDeadline = Duration.seconds(30)

    func serve(_ connection: ControlChannel.Connection) async {
        let closed = Self.closedStream(connection.channel)
        let abandon = abandonUnlessRequested(connection.channel)
        try? await connection.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            let first: ByteBuffer?
            do {
                first = try await lines.next()
                abandon.cancel()
            } catch {
                abandon.cancel()
                throw error
            }
            guard let line = first else { return }
            let request: ControlRequest
            do {
                request = try ControlCoding.decode(ControlRequest.self, from: line.readableBytesView)
            } catch {
                let failure = ControlFailure(kind: .invalidRequest, message: "unreadable control request: \(Self.reason(error))")
                try await Self.write(.failure(failure), to: outbound)
                return
            }
            if case .watch(let services) = request {
                try await stream(services: services, to: outbound, until: closed)
            } else if case .deploy(let deploy) = request {
                try await streamDeploy(to: outbound) { try await handler.deploy(deploy, progress: $0) }
            } else if case .rollback(let rollback) = request {
                try await streamDeploy(to: outbound) { try await handler.rollback(rollback, progress: $0) }
            } else if case .promote(let service) = request {
                try await streamDeploy(to: outbound) { try await handler.promote(service: service, progress: $0) }
            } else if case .abort(let service) = request {
                try await streamDeploy(to: outbound) { try await handler.abort(service: service, progress: $0) }
            } else {
                try await Self.write(await answer(request), to: outbound)
            }
        }
    }

    /// Closes a connection whose request has not arrived by the deadline or
    /// by shutdown, so a silent client can never hold the supervisor up.
    private func abandonUnlessRequested(_ channel: any Channel) -> Task<Void, Never> {
        let shutdown = closing.stream()
        return Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for await _ in shutdown {} }
                group.addTask { try? await Task.sleep(for: Self.requestDeadline) }
                await group.next()
                group.cancelAll()
            }
            if !Task.isCancelled { channel.close(promise: nil) }
        }
    }

    private func answer(_ request: ControlRequest) async -> ControlReply {
        do {
            switch request {
            case .status(let services): return .status(try await handler.status(services: services))
            case .stop(let services, let timeout): return .report(try await handler.stop(services: services, timeout: timeout))
            case .start(let services): return .report(try await handler.start(services: services))
            case .restart(let services, let timeout): return .report(try await handler.restart(services: services, timeout: timeout))
            case .kill(let services, let signal): return .report(try await handler.kill(services: services, signal: signal))
            case .down(let timeout): return .report(try await handler.down(timeout: timeout))
            case .stats(let services): return .stats(try await handler.stats(services: services))
            case .pause(let services): return .report(try await handler.pause(services: services))
            case .unpause(let services): return .report(try await handler.unpause(services: services))
            case .addresses(let services): return .addresses(try await handler.addresses(services: services))
            case .fault(let request): return .fault(try await handler.fault(request))
            case .watch, .deploy, .rollback, .promote, .abort:
                return .failure(ControlFailure(kind: .invalidRequest, message: "\(request) is a stream, not a request"))
            }
        } catch let failure as ControlFailure {
            return .failure(failure)
        } catch {
            return .failure(ControlFailure(kind: .failed, message: "\(error)"))
        }
    }

    private func stream(
        services: [String], to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, until closed: AsyncStream<Never>
    ) async throws {
        let events: AsyncStream<ControlEvent>
        let current: StatusSnapshot
        do {
            // Subscribed first, so no change falls between the current status and the stream.
            events = try await handler.watch(services: services)
            current = try await handler.status(services: services)
        } catch {
            let failure = error as? ControlFailure ?? ControlFailure(kind: .failed, message: "\(error)")
            try await Self.write(.failure(failure), to: outbound)
            return
        }
        try await Self.write(.event(.status(current)), to: outbound)
        let shutdown = closing.stream()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    do { try await Self.write(.event(event), to: outbound) } catch { return }
                }
            }
            group.addTask { for await _ in shutdown {} }
            group.addTask { for await _ in closed {} }
            await group.next()
            group.cancelAll()
        }
        try await Self.write(.end, to: outbound)
    }

    /// Each step as an event line while a deploy (or rollback) runs, then
    /// the report. A client that goes away does not stop it.
    private func streamDeploy(
        to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        _ run: (@escaping @Sendable (DeployProgress) -> Void) async throws -> DeployReport
    ) async throws {
        let (steps, continuation) = AsyncStream.makeStream(of: DeployProgress.self)
        let writer = Task {
            for await step in steps { try? await Self.write(.event(.deploy(step)), to: outbound) }
        }
        let reply: ControlReply
        do {
            reply = .deployed(try await run { continuation.yield($0) })
        } catch let failure as ControlFailure {
            reply = .failure(failure)
        } catch {
            reply = .failure(ControlFailure(kind: .failed, message: "\(error)"))
        }
        continuation.finish()
        await writer.value
        try await Self.write(reply, to: outbound)
    }

    /// Ends when the channel closes; unlike waiting on the close future, the
    /// wait can be cancelled.
    private static func closedStream(_ channel: any Channel) -> AsyncStream<Never> {
        let (stream, continuation) = AsyncStream<Never>.makeStream()
        channel.closeFuture.whenComplete { _ in continuation.finish() }
        return stream
    }

    /// A decoding error's own sentence, without Foundation's coding-path dump.
    private static func reason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            context.debugDescription
        default:
            "\(error)"
        }
    }

    static func write(_ reply: ControlReply, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        try await outbound.write(ByteBuffer(bytes: try ControlCoding.line(reply)))
    }
}
