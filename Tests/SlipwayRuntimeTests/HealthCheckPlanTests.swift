import ComposeKit
import Testing
@testable import SlipwayRuntime

@Suite("HealthCheckPlan")
struct HealthCheckPlanTests {
    @Test("a service without an active check gets no plan")
    func inactiveChecks() throws {
        var service = Service(name: "worker")
        #expect(try HealthCheckPlan(service: service, primaryPort: nil) == nil)
        service.healthcheck = Healthcheck(test: Healthcheck.Test.none)
        #expect(try HealthCheckPlan(service: service, primaryPort: nil) == nil)
        service.healthcheck = Healthcheck(test: .shell("true"), disabled: true)
        #expect(try HealthCheckPlan(service: service, primaryPort: nil) == nil)
        service.healthcheck = Healthcheck(interval: .seconds(1))
        #expect(try HealthCheckPlan(service: service, primaryPort: nil) == nil)
    }

    @Test("compose forms and timings carry over; zero values take docker's defaults")
    func composeForms() throws {
        var service = Service(name: "db")
        service.healthcheck = Healthcheck(test: .exec(["pg_isready", "-U", "postgres"]), interval: .seconds(10),
                                          timeout: .seconds(5), retries: 5, startPeriod: .seconds(3), startInterval: .seconds(1))
        let plan = try #require(try HealthCheckPlan(service: service, primaryPort: nil))
        #expect(plan == HealthCheckPlan(check: .exec(["pg_isready", "-U", "postgres"]), interval: .seconds(10),
                                        timeout: .seconds(5), retries: 5, startPeriod: .seconds(3), startInterval: .seconds(1)))
        service.healthcheck = Healthcheck(test: .shell("curl -f localhost"), interval: .zero, timeout: .zero,
                                          retries: 0, startInterval: .zero)
        let defaulted = try #require(try HealthCheckPlan(service: service, primaryPort: nil))
        #expect(defaulted == HealthCheckPlan(check: .shell("curl -f localhost")))
        #expect(defaulted.interval == .seconds(30) && defaulted.timeout == .seconds(30))
        #expect(defaulted.retries == 3 && defaulted.startInterval == .seconds(5))
    }

    @Test("health_path probes the instance's PORT, wins over test, and needs a port")
    func healthPath() throws {
        var service = Service(name: "web")
        service.slipway.healthPath = "health/"
        service.healthcheck = Healthcheck(test: .shell("false"), interval: .seconds(7), disabled: true)
        let plan = try #require(try HealthCheckPlan(service: service, primaryPort: 41234))
        #expect(plan.check == .http(port: 41234, path: "/health/"))
        #expect(plan.interval == .seconds(7))
        #expect(throws: HealthCheckPlanError.healthPathWithoutPort(service: "web")) {
            try HealthCheckPlan(service: service, primaryPort: nil)
        }
    }
}
