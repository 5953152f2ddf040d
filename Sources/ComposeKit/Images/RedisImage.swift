/// `redis:<tag>`: the machine's `redis-server` on the instance's private
/// port and loopback address only; arguments after `redis-server` in
/// `command:` are kept (`--appendonly yes`).
extension ImageAdapter {
    public static let redis = ImageAdapter(
        image: "redis",
        server: ServerProgram(path: "/usr/bin/redis-server", package: "redis-server"),
        ports: [ImagePort(6379)],
        dataPath: "/data",
        environment: [],
        clientTools: [
            ClientTool(name: "redis-cli", program: "/usr/bin/redis-cli", arguments: ["-h", "127.0.0.1", "-p", "$PORT_6379"])
        ],
        entrypoint: redisEntrypoint)
}

/// The image runs in /data; the address and port come last so the file's
/// arguments cannot move the server off its private port.
private let redisEntrypoint = #"""
set -eu
cd "$SLIPWAY_IMAGE_DATA"
exec "$SLIPWAY_SERVER" "$@" --bind 127.0.0.1 --port "$PORT_6379" --dir "$SLIPWAY_IMAGE_DATA"
"""#
