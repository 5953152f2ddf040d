import Glibc
import SlipwayShim

/// Wakes a probe blocked in `poll` on its own thread when the task that
/// waits for it is cancelled: a self-pipe whose read end joins every poll.
final class ProbeCancellation: Sendable {
    /// Both descriptors are written once in `init` and closed in `deinit`;
    /// the probe's thread holds a reference while it polls.
    let readDescriptor: CInt
    private let writeDescriptor: CInt

    init() {
        var descriptors: [CInt] = [-1, -1]
        if GNUExtensions.pipe2(&descriptors, O_CLOEXEC | O_NONBLOCK) != 0 {
            descriptors = [-1, -1]
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    func cancel() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    var isCancelled: Bool {
        var descriptor = pollfd(fd: readDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }
}
