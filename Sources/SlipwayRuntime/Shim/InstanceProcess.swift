import Foundation
import Glibc
import NIOCore
import NIOPosix
import SlipwayShim

/// One running instance as the supervisor sees it: its shim, the leader of
/// its process group, and the way to stop it.
public final class InstanceProcess: Sendable {
    public let shim: ProcessIdentity
    public let leader: ProcessIdentity
    private let control: any Channel
    private let exit: EventLoopFuture<InstanceEnding>

    private init(shim: ProcessIdentity, leader: ProcessIdentity, control: any Channel, exit: EventLoopFuture<InstanceEnding>) {
        self.shim = shim
        self.leader = leader
        self.control = control
        self.exit = exit
    }

    /// Starts a shim, which starts the service; returns once the service's
    /// process exists.
    public static func launch(
        _ request: InstanceLaunchRequest,
        output: any LineSink,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(LaunchError) -> InstanceProcess {
        let pipes: ShimPipes
        let shimPid: pid_t
        do {
            pipes = try ShimPipes()
            shimPid = try ProcessSpawner.spawn(SpawnRequest(
                executable: request.shimExecutable,
                arguments: [request.shimExecutable, "__shim"],
                environment: ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" },
                descriptors: pipes.shimSide,
                newProcessGroup: true
            ))
        } catch {
            throw LaunchError(description: "\(error)")
        }
        pipes.closeShimSide()
        let shimIdentity = ProcessIdentity.of(pid: shimPid) ?? ProcessIdentity(pid: shimPid, startTime: 0)
        do {
            return try await connect(request, shim: shimIdentity, pipes: pipes, output: output, group: group)
        } catch {
            kill(shimPid, SIGKILL)
            ShimReaper.reap(shimPid, on: group.next())
            throw LaunchError(description: "\(error)")
        }
    }

    private static func connect(
        _ request: InstanceLaunchRequest, shim: ProcessIdentity, pipes: ShimPipes,
        output: any LineSink, group: any EventLoopGroup
    ) async throws -> InstanceProcess {
        let loop = group.next()
        let started = loop.makePromise(of: ProcessIdentity.self)
        let ended = loop.makePromise(of: InstanceEnding.self)
        let outputClosed = loop.makePromise(of: Void.self)
        let errorsClosed = loop.makePromise(of: Void.self)
        try await readLines(from: pipes.outputRead, stream: .out, into: output, closed: outputClosed, on: loop)
        try await readLines(from: pipes.errorsRead, stream: .err, into: output, closed: errorsClosed, on: loop)
        let control = try await NIOPipeBootstrap(group: loop)
            .channelOption(.allowRemoteHalfClosure, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(LineFrameDecoder()),
                        ShimEventHandler(shim: shim.pid, started: started, ended: ended)
                    )
                }
            }
            .takingOwnershipOfDescriptors(input: pipes.eventsRead, output: pipes.commandsWrite).get()
        try await control.writeAndFlush(ByteBuffer(string: request.spec.line)).get()
        let leader = try await started.futureResult.get()
        let exit = ended.futureResult.flatMap { ending in
            outputClosed.futureResult.and(errorsClosed.futureResult).map { _ in }.or(timeout: .seconds(1), on: loop).map { ending }
        }
        return InstanceProcess(shim: shim, leader: leader, control: control, exit: exit)
    }

    private static func readLines(
        from descriptor: CInt, stream: LogStream, into sink: any LineSink, closed: EventLoopPromise<Void>,
        on loop: any EventLoop
    ) async throws {
        _ = try await NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(LineFrameDecoder()),
                        OutputLineHandler(sink: sink, stream: stream, closed: closed)
                    )
                }
            }
            .takingOwnershipOfDescriptor(input: descriptor).get()
    }

    /// stop_signal to the group, SIGKILL after the grace period (done by the shim).
    public func stop() {
        send(.stop)
    }

    /// One signal to the whole process group.
    public func signal(_ number: Int32) {
        send(.signal(number))
    }

    /// How the instance ended, once its output is read.
    public func waitForExit() async -> InstanceEnding {
        (try? await exit.get()) ?? InstanceEnding(status: .signalled(SIGKILL), shimLost: true)
    }

    private func send(_ command: ShimCommand) {
        control.writeAndFlush(ByteBuffer(string: command.line), promise: nil)
    }
}
