import Foundation

/// Polls `condition` until it holds or `deadline` passes; returns whether it held.
/// The default deadline only bounds a failing test, so it allows for the whole
/// suite running in parallel on two busy cores.
func eventually(within deadline: Duration = .seconds(60), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// `eventually` for a condition that has to ask an actor or the network.
func eventuallyAsync(within deadline: Duration = .seconds(60), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
