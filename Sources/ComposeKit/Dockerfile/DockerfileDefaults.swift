/// Puts a Dockerfile's image config under a service, as docker compose puts an
/// image's config under a container: whatever the compose file says wins, key
/// by key (for `healthcheck`, timing by timing, as the Docker daemon merges them).
struct DockerfileDefaults {
    let image: DockerfileImage
    /// Absolute path of the build context, which is where the container's
    /// files are: the image's `WORKDIR` maps into it (docs/dockerfile.md).
    let context: String

    /// Applies the defaults; returns the exposed ports left out because they are not TCP.
    func apply(to service: inout Service, healthcheckKeys: Set<String>) -> [ExposedPort] {
        service.workingDir = workingDirectory(written: service.workingDir)
        for (name, value) in image.environment where (service.environment[name] ?? nil) == nil {
            service.environment[name] = value
        }
        let tcp = image.exposedPorts.filter { $0.protocol == "tcp" }.map(\.port)
        service.expose += tcp.filter { !service.containerPorts.contains($0) }
        applyCommand(to: &service)
        service.healthcheck = healthcheck(written: service.healthcheck, keys: healthcheckKeys)
        service.user = service.user ?? image.user
        service.stopSignal = service.stopSignal ?? image.stopSignal
        return image.exposedPorts.filter { $0.protocol != "tcp" }
    }

    /// The host directory for the image's `WORKDIR`, or for a compose
    /// `working_dir` written as a container path inside what the context became.
    private func workingDirectory(written: String?) -> String {
        guard let written else { return hostPath(image.workingDir) ?? context }
        let root = image.contextDestination ?? image.workingDir
        guard root != "/", let mapped = hostPath(written) else { return written }
        return mapped
    }

    private func hostPath(_ containerPath: String) -> String? {
        image.contextRelativePath(of: containerPath).map { $0.isEmpty ? context : PathResolver.absolute($0, relativeTo: context) }
    }

    /// As in docker: a compose `entrypoint` replaces the image's and drops its
    /// `CMD`; a compose `command` (or `x-slipway.command`) replaces only the `CMD`.
    private func applyCommand(to service: inout Service) {
        guard service.entrypoint == nil else { return }
        service.entrypoint = image.entrypoint
        guard service.effectiveCommand == nil else { return }
        if case .exec? = image.entrypoint, case let .shell(text)? = image.command {
            // The image stores a shell-form CMD as its shell's argv, which an exec ENTRYPOINT receives as arguments.
            service.command = .exec(image.shell + [text])
        } else {
            service.command = image.command
        }
    }

    private func healthcheck(written: Healthcheck?, keys: Set<String>) -> Healthcheck? {
        guard let inherited = image.healthcheck else { return written }
        guard var check = written else { return inherited }
        if !keys.contains("test") { check.test = inherited.test }
        if !keys.contains("interval") { check.interval = inherited.interval }
        if !keys.contains("timeout") { check.timeout = inherited.timeout }
        if !keys.contains("retries") { check.retries = inherited.retries }
        if !keys.contains("start_period") { check.startPeriod = inherited.startPeriod }
        if !keys.contains("start_interval") { check.startInterval = inherited.startInterval }
        return check
    }
}
