import Foundation
import Glibc
import NIOCore
import NIOPosix

/// Receives a service's output one line at a time (on an event-loop thread).
public protocol LineSink: Sendable {
    func receive(_ line: String)
}

/// What the supervisor asks a shim to run.
public struct InstanceLaunchRequest: Sendable {
    /// The `slipway` binary that provides `__shim` (and `__exec-as`).
    public var shimExecutable: String
    /// Absolute path of the service's program.
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?
    /// Switch to this user (only meaningful when the supervisor is root).
    public var user: String?
    public var stopSignal: Int32
    public var stopGracePeriod: Duration

    public init(
        shimExecutable: String, executable: String, arguments: [String], environment: [String: String],
        workingDirectory: String? = nil, user: String? = nil, stopSignal: Int32 = SIGTERM,
        stopGracePeriod: Duration = .seconds(10)
    ) {
        self.shimExecutable = shimExecutable
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.user = user
        self.stopSignal = stopSignal
        self.stopGracePeriod = stopGracePeriod
    }

    var spec: ShimSpec {
        var program = executable
        var argv = arguments
        if let user {
            program = shimExecutable
            argv = [shimExecutable, "__exec-as", user, executable] + arguments
        }
        return ShimSpec(
            executable: program,
            arguments: argv,
            environment: environment.map { "\($0.key)=\($0.value)" }.sorted(),
            workingDirectory: workingDirectory,
            stopSignal: stopSignal,
            stopGraceMilliseconds: Int(stopGracePeriod.components.seconds * 1000
                + stopGracePeriod.components.attoseconds / 1_000_000_000_000_000)
        )
    }
}

public struct LaunchError: Error, CustomStringConvertible {
    public var description: String
}

/// One running instance as the supervisor sees it: its shim, the leader of
/// its process group, and the way to stop it.
public final class InstanceProcess: Sendable {
    public let shim: ProcessIdentity
    public let leader: ProcessIdentity
    private let control: any Channel
    private let exit: EventLoopFuture<ExitStatus>

    private init(shim: ProcessIdentity, leader: ProcessIdentity, control: any Channel, exit: EventLoopFuture<ExitStatus>) {
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
        let ended = loop.makePromise(of: ExitStatus.self)
        let outputClosed = loop.makePromise(of: Void.self)
        _ = try await NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(LineFrameDecoder()),
                        OutputLineHandler(sink: output, closed: outputClosed)
                    )
                }
            }
            .takingOwnershipOfDescriptor(input: pipes.outputRead).get()
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
        let specLine = String(decoding: try JSONEncoder().encode(request.spec), as: UTF8.self) + "\n"
        try await control.writeAndFlush(ByteBuffer(string: specLine)).get()
        let leader = try await started.futureResult.get()
        let exit = ended.futureResult.flatMap { status in
            outputClosed.futureResult.or(timeout: .seconds(1), on: loop).map { status }
        }
        return InstanceProcess(shim: shim, leader: leader, control: control, exit: exit)
    }

    /// stop_signal to the group, SIGKILL after the grace period (done by the shim).
    public func stop() {
        send(.stop)
    }

    /// One signal to the whole process group.
    public func signal(_ number: Int32) {
        send(.signal(number))
    }

    /// The service's exit status, once it has exited and its output is read.
    public func waitForExit() async -> ExitStatus {
        (try? await exit.get()) ?? .signalled(SIGKILL)
    }

    private func send(_ command: ShimCommand) {
        control.writeAndFlush(ByteBuffer(string: command.line), promise: nil)
    }
}

extension EventLoopFuture where Value == Void {
    /// Succeeds when this future completes or when `timeout` has passed, whichever is first.
    func or(timeout: TimeAmount, on loop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        let task = loop.scheduleTask(in: timeout) { promise.succeed() }
        hop(to: loop).whenComplete { _ in
            task.cancel()
            promise.succeed()
        }
        return promise.futureResult
    }
}
