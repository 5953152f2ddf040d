import Synchronization

/// One instance's output: passed on to its service's log, and its own last
/// lines kept apart, so a failed deploy can show what green said while blue
/// keeps writing to the same log.
final class InstanceOutput: LineSink {
    let log: ServiceLog
    /// `web-2`: names the lines while another instance writes to the same log.
    private let instance: String
    private let recent = Mutex<[String]>([])

    init(log: ServiceLog, instance: String) {
        self.log = log
        self.instance = instance
    }

    func receive(_ line: String) {
        receive(line, stream: .out)
    }

    func receive(_ line: String, stream: LogStream) {
        log.receive(line, stream: stream, instance: instance)
        recent.withLock {
            $0.append(line)
            if $0.count > ServiceLog.keptLines { $0.removeFirst($0.count - ServiceLog.keptLines) }
        }
    }

    var lastLines: [String] {
        recent.withLock { $0 }
    }
}
