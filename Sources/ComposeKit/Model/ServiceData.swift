extension Service {
    /// True for an image adapter's service: its data path is a directory that
    /// outlives the instance, whichever mount (or none) provides it, so two
    /// instances of it cannot run side by side (docs/deploy.md).
    public var dataLivesInVolume: Bool { imageRun != nil }
}
