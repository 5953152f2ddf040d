/// Interpolates every scalar value of a document (keys stay as written, as in
/// compose). An unset variable is a warning naming it and the place; a `?` form
/// or a malformed reference is an error.
struct NodeInterpolator {
    let variables: [String: String]
    let log: DiagnosticLog

    func interpolate(_ node: YAMLNode) -> YAMLNode {
        let variables = self.variables
        return walk(node, path: "", interpolator: Interpolator { variables[$0] })
    }

    private func walk(_ node: YAMLNode, path: String, interpolator: Interpolator) -> YAMLNode {
        var result = node
        switch node.content {
        case let .scalar(text, plain):
            guard text.contains("$") else { return node }
            do {
                let interpolated = try interpolator.interpolate(text)
                for name in interpolated.unsetVariables {
                    log.warning("variable \"\(name)\" is not set; substituting an empty string", at: node.position, path: path)
                }
                // An interpolation gives a string: one that comes out empty (`${EMPTY}`,
                // `${UNSET:-}`) or reads `null` is that string, not YAML's null, which in
                // `environment` would mean "take the host's value".
                let resolvesToNull = plain && ScalarResolver.isNull(interpolated.value)
                result.content = .scalar(interpolated.value, plain: plain && !resolvesToNull)
            } catch {
                log.error(error.description, at: node.position, path: path)
            }
        case let .sequence(items):
            result.content = .sequence(items.enumerated().map { walk($1, path: "\(path)[\($0)]", interpolator: interpolator) })
        case let .mapping(entries):
            result.content = .mapping(entries.map { entry in
                let childPath = path.isEmpty ? entry.key : "\(path).\(entry.key)"
                return YAMLNode.Entry(key: entry.key, keyPosition: entry.keyPosition, value: walk(entry.value, path: childPath, interpolator: interpolator))
            })
        }
        return result
    }
}
