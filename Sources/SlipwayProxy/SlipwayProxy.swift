/// SlipwayProxy: the reverse proxy behind every published port.
/// It knows nothing of compose or the runtime; the runtime tells it
/// "listener L now forwards to 127.0.0.1:Q".
public enum SlipwayProxyModule {}
