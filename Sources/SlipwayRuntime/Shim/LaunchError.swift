/// A shim or its service could not be started; worded for the user.
public struct LaunchError: Error, CustomStringConvertible {
    public var description: String
}
