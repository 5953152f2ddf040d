/// SlipwayRuntime: the supervisor that runs a compose project as processes.
public enum SlipwayRuntimeModule {}
