import Foundation

/// A generated compose project in a temporary directory: `services` services (plus
/// the same-file template they extend), half extending a template of another file,
/// half the one of the same file, every one with `${VAR:-default}` interpolation,
/// environment, ports, a healthcheck and a dependency on the service before it
/// (chains of ten).
struct ConfigBenchProject {
    let directory: String
    let composeFile: String
    let totalBytes: Int

    init(services: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-bench-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        composeFile = directory + "/compose.yaml"
        let base = Self.baseFile
        let compose = Self.composeText(services: services)
        try base.write(toFile: directory + "/base.yaml", atomically: true, encoding: .utf8)
        try compose.write(toFile: composeFile, atomically: true, encoding: .utf8)
        totalBytes = base.utf8.count + compose.utf8.count
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static let baseFile = """
    services:
      web-template:
        image: bench/web:${WEB_TAG:-latest}
        healthcheck:
          test: ["CMD-SHELL", "curl -fsS http://127.0.0.1:$$PORT/health/ || exit 1"]
          interval: ${HEALTH_INTERVAL:-10s}
          timeout: 5s
          retries: 3
          start_period: 30s
        labels:
          tier: web
        x-slipway:
          health_path: /health/
          proxy: http

    """

    private static func composeText(services: Int) -> String {
        var text = """
        name: bench
        x-common: &common
          restart: on-failure:3
          stop_grace_period: ${GRACE:-5s}
        services:
          local-template:
            <<: *common
            command: ["python3", "-m", "http.server", "$${PORT}"]
            environment:
              LOG_LEVEL: ${LOG_LEVEL:-info}

        """
        for index in 0..<services {
            let name = String(format: "svc-%04d", index)
            let extends = index.isMultiple(of: 2)
                ? "{file: base.yaml, service: web-template}"
                : "local-template"
            text += """
              \(name):
                <<: *common
                extends: \(extends)
                command: python3 -m http.server $${PORT} --directory ${DATA_DIR:-/tmp}/\(name)
                environment:
                  SERVICE_INDEX: "\(index)"
                  DATABASE_URL: postgres://${DB_USER:-app}:${DB_PASSWORD:?set DB_PASSWORD}@127.0.0.1:5432/\(name)
                ports:
                  - "${BIND_IP:-127.0.0.1}:\(20000 + index):8000"

            """
            if !index.isMultiple(of: 10) {
                text += "    depends_on:\n      svc-\(String(format: "%04d", index - 1)):\n        condition: service_healthy\n"
            }
        }
        return text
    }
}
