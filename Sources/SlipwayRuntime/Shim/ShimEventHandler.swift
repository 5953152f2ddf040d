import Glibc
import NIOCore
import SlipwayShim

/// Reads `ShimEvent` lines from a shim. The shim closing its end (it exits
/// right after reporting the service's exit) completes `ended`; a shim that
/// vanished without a report is marked so, since its service may live on.
final class ShimEventHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let shim: pid_t
    private let started: EventLoopPromise<ProcessIdentity>
    private let ended: EventLoopPromise<InstanceEnding>
    private var status: ExitStatus?

    init(shim: pid_t, started: EventLoopPromise<ProcessIdentity>, ended: EventLoopPromise<InstanceEnding>) {
        self.shim = shim
        self.started = started
        self.ended = ended
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = String(buffer: unwrapInboundIn(data))
        switch ShimEvent(line: line[...]) {
        case let .started(identity): started.succeed(identity)
        case let .failed(message): started.fail(LaunchError(description: message))
        case let .ended(exitStatus): status = exitStatus
        case nil: break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        started.fail(LaunchError(description: "the shim exited before starting the service"))
        ended.succeed(InstanceEnding(status: status ?? .signalled(SIGKILL), shimLost: status == nil))
        ShimReaper.reap(shim, on: context.eventLoop)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
