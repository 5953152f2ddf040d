import Glibc
import NIOCore

/// Reads `ShimEvent` lines from a shim. The shim closing its end (it exits
/// right after reporting the service's exit) completes `ended`; a shim that
/// vanished without a report counts as killed.
final class ShimEventHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let shim: pid_t
    private let started: EventLoopPromise<ProcessIdentity>
    private let ended: EventLoopPromise<ExitStatus>
    private var status: ExitStatus?

    init(shim: pid_t, started: EventLoopPromise<ProcessIdentity>, ended: EventLoopPromise<ExitStatus>) {
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
        ended.succeed(status ?? .signalled(SIGKILL))
        ShimReaper.reap(shim, on: context.eventLoop)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Passes each output line to the sink; completes `closed` at end of output.
final class OutputLineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let sink: any LineSink
    private let closed: EventLoopPromise<Void>

    init(sink: any LineSink, closed: EventLoopPromise<Void>) {
        self.sink = sink
        self.closed = closed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sink.receive(String(decoding: unwrapInboundIn(data).readableBytesView, as: UTF8.self))
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed.succeed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Collects an exited shim without blocking: retries `waitpid(WNOHANG)` on
/// the event loop until the kernel has turned it into a zombie.
enum ShimReaper {
    static func reap(_ pid: pid_t, on loop: any EventLoop, attempt: Int = 0) {
        var status: CInt = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == 0, attempt < 6000 else { return }
        loop.scheduleTask(in: .milliseconds(10)) { reap(pid, on: loop, attempt: attempt + 1) }
    }
}

/// The three pipes between supervisor and shim, plus /dev/null for stdin.
struct ShimPipes {
    let commandsRead: CInt, commandsWrite: CInt
    let eventsRead: CInt, eventsWrite: CInt
    let outputRead: CInt, outputWrite: CInt
    let null: CInt

    init() throws(LaunchError) {
        (commandsRead, commandsWrite) = try Self.pipe()
        (eventsRead, eventsWrite) = try Self.pipe()
        (outputRead, outputWrite) = try Self.pipe()
        null = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    var shimSide: [CInt: CInt] {
        [0: null, 1: outputWrite, 2: outputWrite, ShimDescriptor.commands: commandsRead, ShimDescriptor.events: eventsWrite]
    }

    func closeShimSide() {
        [null, outputWrite, commandsRead, eventsWrite].forEach { close($0) }
    }

    private static func pipe() throws(LaunchError) -> (CInt, CInt) {
        var ends: [CInt] = [0, 0]
        guard GNUExtensions.pipe2(&ends, O_CLOEXEC) == 0 else {
            throw LaunchError(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        return (ends[0], ends[1])
    }
}
