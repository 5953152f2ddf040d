import ComposeKit
import Glibc
import SlipwayShim

/// A state directory that a `user:` service could not walk down to is a state-directory
/// problem, found before anything is created under it: no half-made `logs/`, `processes/`
/// or `data/` is left behind.
enum StateDirectoryReach {
    /// Only a root supervisor switches users; a user that does not resolve is the runner's to report.
    static func check(_ state: StateDirectory, services: [Service]) throws(UpError) {
        guard geteuid() == 0 else { return }
        for service in services.sorted(by: { $0.name < $1.name }) {
            guard let user = service.user, let owner = try? Account(resolving: user), owner.uid != geteuid() else { continue }
            if let problem = ServiceDataDirectory.reachProblem(state: state, service: service.name, owner: owner) {
                throw UpError.stateDirectory(problem)
            }
        }
    }
}
