import Foundation
import Testing
@testable import SlipwayStore

@Suite("DeploymentLog")
struct DeploymentLogTests {
    private func begin(_ log: DeploymentLog, _ service: String = "web", source: DeploymentSource = .deploy) throws -> Deployment {
        try log.begin(service: service, source: source, snapshot: #"{"image":"\#(service)"}"#, snapshotHash: "h-\(service)")
    }

    @Test func beginRecordsAPendingDeploymentWithItsFirstEvent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = SteppedClock()
        let log = try DeploymentLog(path: directory.logPath, clock: clock.read)
        let first = try log.begin(
            service: "web", source: .up, snapshot: #"{"command":["serve"]}"#, snapshotHash: "abc")
        #expect(first.status == .pending)
        #expect(first.sequence == 1)
        #expect(first.source == .up)
        #expect(first.snapshot == #"{"command":["serve"]}"#)
        #expect(first.snapshotHash == "abc")
        #expect(first.createdAt == clock.now)
        #expect(first.finishedAt == nil)
        #expect(try log.deployment(id: first.id) == first)
        let events = try log.events(of: first.id)
        #expect(events.map(\.kind) == [.status])
        #expect(events.map(\.detail) == ["-> pending (up)"])
    }

    @Test func transitionsWriteTheStatusAndAnEventAndStampTheirTimes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = SteppedClock()
        let log = try DeploymentLog(path: directory.logPath, clock: clock.read)
        let deployment = try begin(log)
        let created = clock.now
        for status in [DeploymentStatus.starting, .releasing] {
            clock.advance(1)
            try log.transition(deployment.id, to: status)
        }
        clock.advance(1)
        try log.record(.release, detail: "exit 0 after 0.8s", for: deployment.id)
        clock.advance(1)
        let healthyAt = clock.now
        try log.recordHealthy(deployment.id)
        try log.transition(deployment.id, to: .switching)
        clock.advance(0.25)
        let switchedAt = clock.now
        try log.recordSwitch(deployment.id, detail: "127.0.0.1:8080 -> 127.0.0.1:41000")
        clock.advance(0.5)
        let finishedAt = clock.now
        let active = try log.transition(deployment.id, to: .active)
        #expect(active.status == .active)
        #expect(active.createdAt == created)
        #expect(active.healthyAt == healthyAt)
        #expect(active.switchedAt == switchedAt)
        #expect(active.finishedAt == finishedAt)
        clock.advance(60)
        let superseded = try log.transition(deployment.id, to: .superseded, reason: "deployment 2 is live")
        #expect(superseded.finishedAt == finishedAt, "finished_at is when the deploy ended, kept afterwards")
        #expect(superseded.reason == "deployment 2 is live")
        #expect(try log.deployment(id: deployment.id) == superseded)
        let events = try log.events(of: deployment.id)
        #expect(events.map(\.kind) == [.status, .status, .status, .release, .health, .status, .proxySwitch, .status, .status])
        #expect(events.map(\.detail) == [
            "-> pending (deploy)", "pending -> starting", "starting -> releasing", "exit 0 after 0.8s", "healthy",
            "releasing -> switching", "127.0.0.1:8080 -> 127.0.0.1:41000", "switching -> active",
            "active -> superseded: deployment 2 is live",
        ])
        #expect(events.map(\.at) == events.map(\.at).sorted())
        #expect(events.last?.at == clock.now)
    }

    @Test func failingKeepsTheReasonAndExitCode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        let deployment = try begin(log)
        try log.transition(deployment.id, to: .starting)
        let failed = try log.transition(deployment.id, to: .failed, reason: "exited with code 3 before it was healthy", exitCode: 3)
        #expect(failed.status == .failed)
        #expect(failed.reason == "exited with code 3 before it was healthy")
        #expect(failed.exitCode == 3)
        #expect(failed.finishedAt != nil)
    }

    @Test func anIllegalTransitionIsRefusedAndChangesNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        let deployment = try begin(log)
        #expect(throws: DeploymentLogError.illegalTransition(deployment: deployment.id, from: .pending, to: .active)) {
            try log.transition(deployment.id, to: .active)
        }
        try log.transition(deployment.id, to: .starting)
        try log.transition(deployment.id, to: .failed, reason: "unhealthy")
        #expect(throws: DeploymentLogError.illegalTransition(deployment: deployment.id, from: .failed, to: .starting)) {
            try log.transition(deployment.id, to: .starting, reason: "again")
        }
        let stored = try log.deployment(id: deployment.id)
        #expect(stored?.status == .failed)
        #expect(stored?.reason == "unhealthy")
        #expect(try log.events(of: deployment.id).count == 3)
        let message = DeploymentLogError.illegalTransition(deployment: 7, from: .failed, to: .starting).description
        #expect(message == "deployment 7 cannot move from failed to starting (from failed it may move to: nothing, it is final)")
    }

    @Test func anUnknownDeploymentIsATypedError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        #expect(throws: DeploymentLogError.unknownDeployment(42)) { try log.transition(42, to: .starting) }
        #expect(throws: DeploymentLogError.unknownDeployment(42)) { try log.record(.note, detail: "x", for: 42) }
        #expect(throws: DeploymentLogError.unknownDeployment(42)) {
            try log.begin(service: "web", source: .rollback, snapshot: "{}", snapshotHash: "h", rollbackOf: 42)
        }
        #expect(try log.deployment(id: 42) == nil)
        #expect(try log.deployments().isEmpty, "the refused begin left no row")
    }

    @Test func sequencesCountPerService() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        let sequences = try ["web", "worker", "web", "web", "worker"].map { try begin(log, $0).sequence }
        #expect(sequences == [1, 1, 2, 3, 2])
    }

    @Test func listingIsNewestFirstWithServiceFilterAndLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        let ids = try ["web", "worker", "web", "db", "web"].map { try begin(log, $0).id }
        #expect(try log.deployments().map(\.id) == ids.reversed())
        #expect(try log.deployments(limit: 2).map(\.id) == [ids[4], ids[3]])
        #expect(try log.deployments(service: "web").map(\.id) == [ids[4], ids[2], ids[0]])
        #expect(try log.deployments(service: "web", limit: 1).map(\.id) == [ids[4]])
        #expect(try log.deployments(service: "cache").isEmpty)
    }

    @Test func activeAndLastSuccessfulFollowTheHistory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        let first = try begin(log, source: .up)
        try log.transition(first.id, to: .starting)
        try log.transition(first.id, to: .active)
        #expect(try log.activeDeployment(service: "web")?.id == first.id)
        let second = try log.begin(service: "web", source: .deploy, snapshot: "{}", snapshotHash: "h2", from: first.id)
        #expect(second.fromDeploymentID == first.id)
        try log.transition(second.id, to: .starting)
        try log.transition(second.id, to: .switching)
        try log.transition(second.id, to: .active)
        try log.transition(first.id, to: .superseded)
        #expect(try log.activeDeployment(service: "web")?.id == second.id)
        #expect(try log.lastSuccessfulDeployment(service: "web")?.id == second.id)
        #expect(try log.lastSuccessfulDeployment(service: "web", before: second.id)?.id == first.id)
        let rollback = try log.begin(
            service: "web", source: .rollback, snapshot: first.snapshot, snapshotHash: first.snapshotHash,
            from: second.id, rollbackOf: second.id)
        #expect(rollback.rollbackOfID == second.id)
        try log.transition(second.id, to: .rolledBack, reason: "rolled back to deployment \(first.id)")
        #expect(try log.activeDeployment(service: "web") == nil)
        #expect(try log.lastSuccessfulDeployment(service: "web")?.id == first.id, "a rolled back version is not a target")
        #expect(try log.activeDeployment(service: "worker") == nil)
    }

    @Test func activatingSupersedesTheServicesPreviousVersionInOneStep() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        let first = try begin(log, source: .up)
        try log.transition(first.id, to: .starting)
        let (firstActive, noneBefore) = try log.activate(first.id)
        #expect(firstActive.status == .active)
        #expect(noneBefore.isEmpty)
        let worker = try begin(log, "worker", source: .up)
        try log.transition(worker.id, to: .starting)
        try log.activate(worker.id)

        let second = try log.begin(service: "web", source: .deploy, snapshot: "{}", snapshotHash: "h2", from: first.id)
        #expect(throws: DeploymentLogError.illegalTransition(deployment: second.id, from: .pending, to: .active)) {
            try log.activate(second.id)
        }
        #expect(try log.deployment(id: first.id)?.status == .active, "a refused activation supersedes nothing")
        try log.transition(second.id, to: .starting)
        try log.transition(second.id, to: .switching)
        let (secondActive, superseded) = try log.activate(second.id)
        #expect(secondActive.status == .active)
        #expect(superseded.map(\.id) == [first.id])
        #expect(superseded.first?.status == .superseded)
        #expect(superseded.first?.reason == "deployment \(second.id) is live")
        #expect(try log.events(of: first.id).last?.detail == "active -> superseded: deployment \(second.id) is live")
        #expect(try log.deployment(id: worker.id)?.status == .active, "another service's version is not touched")
        #expect(try log.activeDeployment(service: "web")?.id == second.id)

        let rollback = try log.begin(
            service: "web", source: .autoRollback, snapshot: first.snapshot, snapshotHash: first.snapshotHash, from: second.id,
            rollbackOf: second.id)
        try log.transition(rollback.id, to: .starting)
        let (_, undone) = try log.activate(rollback.id)
        #expect(undone.map(\.id) == [second.id])
        #expect(undone.first?.status == .rolledBack)
        #expect(undone.first?.reason == "rolled back by deployment \(rollback.id)")
    }

    @Test func startupRecoveryInterruptsWhatWasInProgressOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        let pending = try begin(log, "a")
        let starting = try begin(log, "b")
        try log.transition(starting.id, to: .starting)
        let active = try begin(log, "c")
        try log.transition(active.id, to: .starting)
        try log.transition(active.id, to: .active)
        let failed = try begin(log, "d")
        try log.transition(failed.id, to: .failed, reason: "no")

        let reopened = try DeploymentLog(path: directory.logPath)
        let interrupted = try reopened.markUnfinishedInterrupted(reason: "supervisor killed")
        #expect(interrupted.map(\.id) == [pending.id, starting.id])
        #expect(interrupted.allSatisfy { $0.status == .interrupted && $0.reason == "supervisor killed" && $0.finishedAt != nil })
        #expect(try reopened.events(of: starting.id).last?.detail == "starting -> interrupted: supervisor killed")
        #expect(try reopened.deployment(id: active.id)?.status == .active)
        #expect(try reopened.deployment(id: failed.id)?.status == .failed)
        #expect(try reopened.markUnfinishedInterrupted().isEmpty, "a second run finds nothing")
    }

    @Test func rowsOutliveTheConnection() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let written: Deployment
        do {
            let log = try DeploymentLog(path: directory.logPath)
            written = try begin(log)
            try log.transition(written.id, to: .starting)
        }
        let reread = try DeploymentLog.openExisting(path: directory.logPath)
        #expect(try reread.deployment(id: written.id)?.status == .starting)
        #expect(try reread.deployments().count == 1)
    }

    @Test func deploymentsEncodeAsCodableValues() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try DeploymentLog(path: directory.logPath)
        let deployment = try begin(log)
        let decoded = try JSONDecoder().decode(Deployment.self, from: try JSONEncoder().encode(deployment))
        #expect(decoded == deployment)
    }
}
