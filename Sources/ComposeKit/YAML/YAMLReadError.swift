/// A file that is not readable YAML; loading of that file stops at the first one.
struct YAMLReadError: Error, Sendable {
    var message: String
    var position: SourcePosition
    var path: String = ""
}
