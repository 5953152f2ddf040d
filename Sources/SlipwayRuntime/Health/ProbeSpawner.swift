import Glibc
import SlipwayShim

/// Starts a probe program through `ProcessSpawner` as the leader of a new
/// process group (so a timeout can kill everything it started), its stdout
/// and stderr on `output`, stdin on /dev/null, no other descriptor inherited.
enum ProbeSpawner {
    struct Failure: Error {
        var reason: String
    }

    static func spawn(_ command: ProbeCommand, output: CInt) -> Result<pid_t, Failure> {
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard devNull >= 0 else { return .failure(Failure(reason: systemError("/dev/null"))) }
        defer { close(devNull) }
        let request = SpawnRequest(
            executable: command.executable,
            arguments: command.arguments,
            environment: command.environment.map { "\($0.key)=\($0.value)" },
            workingDirectory: command.workingDirectory,
            descriptors: [0: devNull, 1: output, 2: output],
            newProcessGroup: true
        )
        do {
            return .success(try ProcessSpawner.spawn(request))
        } catch {
            let place = command.workingDirectory.map { " in \($0)" } ?? ""
            return .failure(Failure(reason: "cannot run \(command.executable)\(place): \(String(cString: strerror(error.code)))"))
        }
    }

    static func systemError(_ call: String) -> String {
        "\(call): \(String(cString: strerror(errno)))"
    }
}
