/// An exchange the instance answered with `101`: from then on a byte tunnel, still counted as
/// one active request of its instance until it ends.
struct HTTPTunnel {
    let instance: InstanceID
    let traffic: Int
    let started: UInt64
}
