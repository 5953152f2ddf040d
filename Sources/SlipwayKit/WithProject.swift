/// Starts the project, runs `body` with it, and takes it down whatever
/// `body` does: returns, throws (a failed `#require` or `XCTUnwrap`), or is
/// cancelled. Should the test process itself die, each service's shim sees
/// its supervisor gone and stops the service.
///
/// ```swift
/// try await withProject(ProjectOptions(files: ["compose.yaml"])) { project in
///     try await project.waitUntilHealthy(within: .seconds(60))
///     let address = try await project.address(of: "web", port: 8000)
///     ...
/// }
/// ```
public func withProject<Value>(
    _ options: ProjectOptions, isolation: isolated (any Actor)? = #isolation,
    _ body: (RunningProject) async throws -> Value
) async throws -> Value {
    let project = try await RunningProject.start(options)
    let value: Value
    do {
        value = try await body(project)
    } catch {
        // The body's error is the test's failure; a failed down after it would only hide it.
        try? await project.down()
        throw error
    }
    try await project.down()
    return value
}
