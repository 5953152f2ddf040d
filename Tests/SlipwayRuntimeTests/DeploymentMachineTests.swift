import ComposeKit
import Testing
@testable import SlipwayRuntime

@Suite("Deployment state machine, without processes")
struct DeploymentMachineTests {
    private func run(_ events: [DeploymentMachine.Event]) throws -> DeploymentMachine {
        var machine = DeploymentMachine()
        for event in events { try machine.handle(event) }
        return machine
    }

    @Test func aBlueGreenDeployWalksPendingStartingReleasingSwitchingActiveSuperseded() throws {
        var machine = DeploymentMachine()
        var seen = [machine.status]
        for event in [DeploymentMachine.Event.launched, .releaseStarted, .healthy, .switched, .monitorPassed, .superseded] {
            try machine.handle(event)
            seen.append(machine.status)
        }
        #expect(seen == [.pending, .starting, .releasing, .switching, .switching, .active, .superseded])
    }

    @Test func everyFailureBeforeTheSwitchEndsFailedAndNotLive() throws {
        for prefix: [DeploymentMachine.Event] in [[], [.launched], [.launched, .releaseStarted], [.launched, .healthy]] {
            let machine = try run(prefix + [.failed])
            #expect(machine.status == .failed)
            #expect(!machine.isLive)
        }
    }

    @Test func stepsOutOfOrderAreRefused() throws {
        #expect(throws: DeploymentTransitionError(from: .pending, event: .switched)) { try run([.switched]) }
        #expect(throws: DeploymentTransitionError(from: .starting, event: .monitorPassed)) { try run([.launched, .monitorPassed]) }
        #expect(throws: DeploymentTransitionError(from: .switching, event: .monitorPassed)) {
            try run([.launched, .healthy, .monitorPassed])
        }
        #expect(throws: DeploymentTransitionError(from: .switching, event: .switched)) {
            try run([.launched, .healthy, .switched, .switched])
        }
        #expect(throws: DeploymentTransitionError(from: .failed, event: .launched)) { try run([.failed, .launched]) }
        #expect(throws: DeploymentTransitionError(from: .starting, event: .superseded)) { try run([.launched, .superseded]) }
    }

    @Test func anUnfinishedDeploymentCanBeInterruptedButAFinishedOneCannot() throws {
        #expect(try run([.launched, .releaseStarted, .interrupted]).status == .interrupted)
        #expect(throws: DeploymentTransitionError(from: .failed, event: .interrupted)) { try run([.failed, .interrupted]) }
        #expect(throws: DeploymentTransitionError(from: .active, event: .interrupted)) {
            try run([.launched, .healthy, .switched, .monitorPassed, .interrupted])
        }
    }

    @Test func aSwitchedDeploymentCanBeRolledBack() throws {
        let machine = try run([.launched, .healthy, .switched, .rolledBack])
        #expect(machine.status == .rolledBack)
        #expect(!machine.isLive)
        #expect(throws: DeploymentTransitionError(from: .switching, event: .rolledBack)) { try run([.launched, .healthy, .rolledBack]) }
    }
}

@Suite("Deploy plan: compose keys first, x-slipway where compose has none")
struct DeployPlanTests {
    private func service(_ configure: (inout Service) -> Void) -> Service {
        var service = Service(name: "web")
        service.ports = [PortMapping(target: 8000)]
        configure(&service)
        return service
    }

    @Test func aServiceWithPortsIsBlueGreenWithTheDocumentedDefaults() {
        let plan = DeployPlan(service: service { _ in })
        #expect(plan.strategy == .blueGreen)
        #expect(plan.drain == .seconds(10))
        #expect(plan.keepPrevious == .seconds(300))
        #expect(plan.monitor == .seconds(120))
        #expect(plan.readyBudget == .seconds(30))
    }

    @Test func withoutPortsTheNewInstanceStartsFirst() {
        #expect(DeployPlan(service: Service(name: "worker")).strategy == .startThenStop)
    }

    @Test func updateConfigOrderWinsOverTheExtensionStrategy() {
        #expect(DeployPlan(service: service { $0.slipway.deploy.strategy = .recreate }).strategy == .recreate)
        #expect(DeployPlan(service: service { $0.updateConfig = UpdateConfig(order: .stopFirst) }).strategy == .recreate)
        #expect(DeployPlan(service: service {
            $0.updateConfig = UpdateConfig(order: .startFirst)
            $0.slipway.deploy.strategy = .recreate
        }).strategy == .blueGreen)
        #expect(DeployPlan(service: service {
            $0.updateConfig = UpdateConfig(monitor: .seconds(5))
            $0.slipway.deploy.monitor = .seconds(60)
        }).monitor == .seconds(5))
    }

    @Test func aServiceWithVolumesIsRecreatedUnlessAKeySaysOtherwise() {
        let volumes = ComposeValue.array([.string("data:/var/lib/data")])
        #expect(DeployPlan(service: service { $0.notEmulated["volumes"] = volumes }).strategy == .recreate)
        #expect(DeployPlan(service: service {
            $0.notEmulated["volumes"] = volumes
            $0.slipway.deploy.strategy = .blueGreen
        }).strategy == .blueGreen)
    }

    @Test func anImageServiceKeepsOneDataDirectorySoItIsRecreated() {
        #expect(DeployPlan(service: service { $0.image = "postgres:15" }).strategy == .recreate)
        #expect(DeployPlan(service: service {
            $0.image = "postgres:15"
            $0.updateConfig = UpdateConfig(order: .startFirst)
        }).strategy == .blueGreen)
    }

    @Test func theReadyBudgetCoversTheHealthCheckVerdict() {
        let plan = DeployPlan(service: service {
            $0.healthcheck = Healthcheck(test: .shell("true"), interval: .seconds(10), timeout: .seconds(5), retries: 3, startPeriod: .seconds(20))
        })
        #expect(plan.readyBudget == .seconds(20 + 15 * 4))
    }

    @Test func theSnapshotHashChangesWithTheDefinitionOnly() {
        let one = DeploymentSnapshot(service { $0.environment = ["VERSION": "v1"] })
        let same = DeploymentSnapshot(service { $0.environment = ["VERSION": "v1"] })
        let other = DeploymentSnapshot(service { $0.environment = ["VERSION": "v2"] })
        #expect(one.hash == same.hash)
        #expect(one.hash != other.hash)
        #expect(one.hash.hasPrefix("sha256:"))
        #expect(one.json.contains("VERSION"))
    }
}
