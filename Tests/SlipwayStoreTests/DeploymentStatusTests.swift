import Testing
@testable import SlipwayStore

@Suite("DeploymentStatus")
struct DeploymentStatusTests {
    @Test func theDeployPathIsLegalStepByStep() {
        let path: [DeploymentStatus] = [.pending, .starting, .releasing, .switching, .active, .superseded]
        for (from, to) in zip(path, path.dropFirst()) {
            #expect(from.canMove(to: to), "\(from) -> \(to)")
        }
    }

    @Test func optionalStepsMayBeSkipped() {
        #expect(DeploymentStatus.starting.canMove(to: .switching), "no release command")
        #expect(DeploymentStatus.starting.canMove(to: .active), "no ports: nothing to switch")
        #expect(DeploymentStatus.releasing.canMove(to: .active))
    }

    @Test func everyUnsettledStatusMayFailOrBeInterrupted() {
        for status in [DeploymentStatus.pending, .starting, .releasing, .switching, .active] {
            #expect(status.canMove(to: .failed), "\(status)")
            #expect(status.canMove(to: .interrupted), "\(status)")
        }
    }

    @Test func onlyWhatTookTrafficIsRolledBack() {
        let rollbackable = DeploymentStatus.allCases.filter { $0.canMove(to: .rolledBack) }
        #expect(Set(rollbackable) == [.switching, .active])
    }

    @Test func finalStatusesHaveNoWayOut() {
        for status in [DeploymentStatus.superseded, .failed, .rolledBack, .interrupted] {
            #expect(status.isTerminal)
            #expect(DeploymentStatus.allCases.allSatisfy { !status.canMove(to: $0) }, "\(status)")
        }
        #expect(!DeploymentStatus.active.isTerminal)
    }

    @Test func illegalMovesAreRefused() {
        #expect(!DeploymentStatus.pending.canMove(to: .active), "skipping the start")
        #expect(!DeploymentStatus.pending.canMove(to: .superseded))
        #expect(!DeploymentStatus.active.canMove(to: .starting), "going back")
        #expect(!DeploymentStatus.switching.canMove(to: .releasing))
        #expect(!DeploymentStatus.pending.canMove(to: .rolledBack), "never served")
        #expect(!DeploymentStatus.active.canMove(to: .active), "no move to itself")
    }

    @Test func inProgressIsWhatAnEndedSupervisorInterrupts() {
        #expect(Set(DeploymentStatus.allCases.filter(\.isInProgress)) == [.pending, .starting, .releasing, .switching])
    }

    @Test func storedTextIsSnakeCase() {
        #expect(DeploymentStatus.rolledBack.rawValue == "rolled_back")
        #expect(DeploymentSource.autoRollback.rawValue == "auto-rollback")
        #expect(DeploymentStatus.allCases.map(\.rawValue) == [
            "pending", "starting", "releasing", "switching", "active", "superseded", "failed", "rolled_back", "interrupted",
        ])
    }
}
