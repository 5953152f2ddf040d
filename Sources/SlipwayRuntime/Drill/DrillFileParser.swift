import ComposeKit
import Foundation
import SlipwayStore
import Yams
import SlipwayShim

/// Reads a drill file's YAML into a `DrillFile`; every mistake is a `DrillFileError` naming the
/// line and the key it is at, as the compose loader names its own.
struct DrillFileParser {
    let path: String

    static let kinds = ["deploy", "kill", "pause", "unpause", "fault", "wait", "rollback", "expect"]

    func parse(_ text: String) throws(DrillFileError) -> DrillFile {
        let parsed: Node?
        do {
            parsed = try Yams.compose(yaml: text)
        } catch {
            throw translate(error)
        }
        guard let root = parsed, let top = root.mapping else {
            throw DrillFileError(path: path, line: parsed.map(line), key: nil, message: "a drill file is a mapping with `steps:` (docs/drills.md)")
        }
        var name: String?
        var service: String?
        var steps: [DrillStep] = []
        for (keyNode, value) in top {
            let key = try self.key(keyNode, in: nil)
            switch key {
            case "name": name = try string(value, at: key)
            case "service": service = try string(value, at: key)
            case "steps":
                guard let list = value.sequence else { throw failure(value, key, "expected a list of steps") }
                for (index, item) in list.enumerated() { steps += try step(item, at: "steps[\(index)]") }
            default:
                throw failure(keyNode, key, "unknown key; a drill file has name, service and steps")
            }
        }
        guard !steps.isEmpty else { throw failure(root, "steps", "a drill needs at least one step") }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return DrillFile(path: path, name: name ?? stem, service: service, steps: steps)
    }

    // MARK: steps

    /// One step, or for `expect` one step per key, each with its own line.
    private func step(_ node: Node, at key: String) throws(DrillFileError) -> [DrillStep] {
        guard let mapping = node.mapping, mapping.count == 1, let (kindNode, value) = mapping.first else {
            throw failure(node, key, "a step is one key, \(Self.kinds.joined(separator: ", ")), with its settings: `- kill: web`")
        }
        let kind = try self.key(kindNode, in: key)
        let at = "\(key).\(kind)"
        let line = line(kindNode)
        switch kind {
        case "deploy":
            let fields = try settings(value, at: at, allowed: ["service", "environment", "command", "health", "force"], scalar: "service")
            if let health = fields["health"], try string(health, at: "\(at).health") != "fail" {
                throw failure(health, "\(at).health", "the one value is `fail`: Slipway makes the new version's health check fail")
            }
            return [DrillStep(line: line, action: .deploy(
                service: try fields["service"].map { node throws(DrillFileError) in try string(node, at: "\(at).service") },
                environment: try fields["environment"].map { node throws(DrillFileError) in try environment(node, at: "\(at).environment") } ?? [:],
                command: try fields["command"].map { node throws(DrillFileError) in try command(node, at: "\(at).command") },
                failHealth: fields["health"] != nil,
                force: try fields["force"].map { node throws(DrillFileError) in try bool(node, at: "\(at).force") } ?? true))]
        case "kill":
            let fields = try settings(value, at: at, allowed: ["service", "signal"], scalar: "service")
            var signal = SIGKILL
            if let node = fields["signal"] {
                let name = try string(node, at: "\(at).signal")
                guard let number = SignalName.number(name) else { throw failure(node, "\(at).signal", "unknown signal \"\(name)\"") }
                signal = number
            }
            return [DrillStep(line: line, action: .kill(service: try service(fields, at: at), signal: signal))]
        case "pause", "unpause", "rollback":
            let fields = try settings(value, at: at, allowed: ["service"], scalar: "service")
            let service = try service(fields, at: at)
            let action: DrillAction = kind == "pause" ? .pause(service: service) : kind == "unpause" ? .unpause(service: service) : .rollback(service: service)
            return [DrillStep(line: line, action: action)]
        case "fault":
            return [DrillStep(line: line, action: try fault(value, at: at))]
        case "wait":
            return [DrillStep(line: line, action: try wait(value, at: at))]
        case "expect":
            guard let checks = value.mapping, !checks.isEmpty else {
                throw failure(value, at, "expected one or more of status, active, failed_requests, serving: `- expect: {status: rolled_back}`")
            }
            var steps: [DrillStep] = []
            for (checkKey, checkValue) in checks {
                let name = try self.key(checkKey, in: at)
                let check = try self.check(name, checkValue, at: "\(at).\(name)")
                steps.append(DrillStep(line: self.line(checkKey), action: .expect(check, text: "\(name): \(checkValue.scalar?.string ?? "")")))
            }
            return steps
        default:
            throw failure(kindNode, at, "unknown step; a step is one of \(Self.kinds.joined(separator: ", "))")
        }
    }

    private func fault(_ value: Node, at: String) throws(DrillFileError) -> DrillAction {
        let fields = try settings(value, at: at, allowed: ["service", "latency", "error_rate", "reset"], scalar: nil)
        var milliseconds: Int?
        if let node = fields["latency"] {
            let latency = try duration(node, at: "\(at).latency")
            guard latency <= .seconds(60) else { throw failure(node, "\(at).latency", "at most 60s") }
            milliseconds = Int(latency.components.seconds) * 1000 + Int(latency.components.attoseconds / 1_000_000_000_000_000)
        }
        var rate: Double?
        if let node = fields["error_rate"] {
            guard let number = Double(try string(node, at: "\(at).error_rate")), (0...1).contains(number) else {
                throw failure(node, "\(at).error_rate", "expected a share from 0 to 1, such as 0.1")
            }
            rate = number
        }
        let reset = try fields["reset"].map { node throws(DrillFileError) in try bool(node, at: "\(at).reset") } ?? false
        guard milliseconds != nil || rate != nil || reset else {
            throw failure(value, at, "expected latency, error_rate or reset: `- fault: {latency: 200ms}`")
        }
        return .fault(service: try service(fields, at: at), latencyMilliseconds: milliseconds, errorRate: rate, reset: reset)
    }

    private func wait(_ value: Node, at: String) throws(DrillFileError) -> DrillAction {
        if value.mapping == nil { return .wait(try duration(value, at: at)) }
        let fields = try settings(value, at: at, allowed: ["until", "timeout"], scalar: nil)
        guard let untilNode = fields["until"] else {
            throw failure(value, at, "expected a duration (`wait: 2s`) or `{until: healthy, timeout: 60s}`")
        }
        let name = try string(untilNode, at: "\(at).until")
        guard let condition = DrillCondition(rawValue: name) else {
            throw failure(untilNode, "\(at).until", "expected one of \(DrillCondition.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(name)\"")
        }
        let timeout = try fields["timeout"].map { node throws(DrillFileError) in try duration(node, at: "\(at).timeout") } ?? .seconds(60)
        return .waitUntil(condition, timeout: timeout)
    }

    private func check(_ name: String, _ value: Node, at: String) throws(DrillFileError) -> DrillCheck {
        let text = try string(value, at: at)
        switch name {
        case "status":
            guard let status = DeploymentStatus(rawValue: text) else {
                throw failure(value, at, "expected a deployment status (\(DeploymentStatus.allCases.map(\.rawValue).joined(separator: ", "))), got \"\(text)\"")
            }
            return .status(status)
        case "active":
            guard ["drill", "previous"].contains(text) else { throw failure(value, at, "expected drill or previous, got \"\(text)\"") }
            return .active(drill: text == "drill")
        case "serving":
            guard ["new", "old"].contains(text) else { throw failure(value, at, "expected new or old, got \"\(text)\"") }
            return .serving(new: text == "new")
        case "failed_requests":
            guard let count = Int(text), count >= 0 else { throw failure(value, at, "expected the most requests that may fail, such as 0") }
            return .failedRequests(max: count)
        default:
            throw failure(value, at, "unknown expectation; expect one of status, active, failed_requests, serving")
        }
    }

    // MARK: values

    /// A step's settings: a mapping of `allowed` keys, nothing (`- rollback:`), or a scalar that
    /// stands for the `scalar` key (`- kill: web`).
    private func settings(_ value: Node, at: String, allowed: [String], scalar: String?) throws(DrillFileError) -> [String: Node] {
        if isNull(value) { return [:] }
        if let mapping = value.mapping {
            var fields: [String: Node] = [:]
            for (keyNode, field) in mapping {
                let key = try self.key(keyNode, in: at)
                guard allowed.contains(key) else {
                    throw failure(keyNode, "\(at).\(key)", "unknown key; \(at.split(separator: ".").last ?? "") takes \(allowed.joined(separator: ", "))")
                }
                fields[key] = field
            }
            return fields
        }
        guard let scalar, value.scalar != nil else {
            throw failure(value, at, "expected a mapping of \(allowed.joined(separator: ", "))")
        }
        return [scalar: value]
    }

    private func service(_ fields: [String: Node], at: String) throws(DrillFileError) -> String? {
        try fields["service"].map { node throws(DrillFileError) in try string(node, at: "\(at).service") }
    }

    private func key(_ node: Node, in parent: String?) throws(DrillFileError) -> String {
        guard let key = node.scalar?.string else { throw failure(node, parent, "keys are strings") }
        return key
    }

    private func string(_ node: Node, at: String) throws(DrillFileError) -> String {
        guard let scalar = node.scalar, !isNull(node) else { throw failure(node, at, "expected a value") }
        return scalar.string
    }

    private func duration(_ node: Node, at: String) throws(DrillFileError) -> Duration {
        let text = try string(node, at: at)
        guard let duration = DurationParser.parse(text), duration >= .zero else {
            throw failure(node, at, "expected a duration such as 2s or 500ms, got \"\(text)\"")
        }
        return duration
    }

    private func bool(_ node: Node, at: String) throws(DrillFileError) -> Bool {
        switch try string(node, at: at) {
        case "true": return true
        case "false": return false
        case let other: throw failure(node, at, "expected true or false, got \"\(other)\"")
        }
    }

    private func environment(_ node: Node, at: String) throws(DrillFileError) -> [String: String] {
        guard let mapping = node.mapping else { throw failure(node, at, "expected a mapping of variables: `{VERSION: v2}`") }
        var variables: [String: String] = [:]
        for (keyNode, value) in mapping {
            let name = try key(keyNode, in: at)
            variables[name] = try string(value, at: "\(at).\(name)")
        }
        return variables
    }

    private func command(_ node: Node, at: String) throws(DrillFileError) -> CommandLine {
        if let list = node.sequence {
            var words: [String] = []
            for (index, item) in list.enumerated() { words.append(try string(item, at: "\(at)[\(index)]")) }
            return .exec(words)
        }
        return .shell(try string(node, at: at))
    }

    private func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    // MARK: errors

    private func line(_ node: Node) -> Int {
        node.mark?.line ?? 1
    }

    private func failure(_ node: Node, _ key: String?, _ message: String) -> DrillFileError {
        DrillFileError(path: path, line: line(node), key: key, message: message)
    }

    private func translate(_ error: any Error) -> DrillFileError {
        switch error as? YamlError {
        case let .scanner(_, problem, mark, _)?, let .parser(_, problem, mark, _)?, let .composer(_, problem, mark, _)?:
            DrillFileError(path: path, line: mark.line, key: nil, message: "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context)?:
            DrillFileError(
                path: path, line: context.mark.line, key: nil,
                message: "key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) appears twice")
        default:
            DrillFileError(path: path, line: nil, key: nil, message: "invalid YAML: \(error)")
        }
    }
}
