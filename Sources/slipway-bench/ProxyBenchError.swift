/// Why the proxy benchmark could not run, worded for the person running it.
enum ProxyBenchError: Error, CustomStringConvertible {
    case exitedEarly(String)
    case notListening(String, Int)
    case stoppedRunning(String)
    case missingTool(String)
    case wrkOutput(String)
    case toolFailed(String, String)

    var description: String {
        switch self {
        case .exitedEarly(let name): "\(name) exited right after starting; see its log in the run directory"
        case .notListening(let name, let port): "\(name) did not accept connections on port \(port) within 30 s"
        case .stoppedRunning(let name): "\(name) stopped running during the benchmark; see its log in the run directory"
        case .missingTool(let tool): "\(tool) is not installed or not on PATH"
        case .wrkOutput(let output): "could not read wrk's output:\n\(output)"
        case .toolFailed(let tool, let output): "\(tool) failed:\n\(output)"
        }
    }
}
