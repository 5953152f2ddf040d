/// `rabbitmq:<tag>`: the machine's RabbitMQ (Debian's `rabbitmq-server`) as
/// a node of its own per instance: its own node name, Erlang cookie, epmd
/// port, distribution port and data directory, so two projects never share
/// a node; `management` in the tag enables the management plugin.
extension ImageAdapter {
    public static let rabbitmq = ImageAdapter(
        image: "rabbitmq",
        // The scripts themselves: the /usr/sbin wrappers switch to the
        // rabbitmq account and its cookie, and would not find this node.
        server: ServerProgram(path: "/usr/lib/rabbitmq/bin/rabbitmq-server", package: "rabbitmq-server"),
        ports: [ImagePort(5672), ImagePort(15672, whenTagContains: "management")],
        dataPath: "/var/lib/rabbitmq",
        environment: [
            HonouredVariable("RABBITMQ_DEFAULT_USER", "the user created on first start (default guest)"),
            HonouredVariable("RABBITMQ_DEFAULT_PASS", "its password (default guest)"),
            HonouredVariable("RABBITMQ_DEFAULT_VHOST", "the virtual host created on first start (default /)"),
        ],
        clientTools: ["rabbitmq-diagnostics", "rabbitmqctl", "rabbitmq-plugins", "rabbitmq-queues"].map { tool in
            ClientTool(
                name: tool, program: "/usr/lib/rabbitmq/bin/\(tool)",
                variables: [
                    "RABBITMQ_NODENAME": "rabbit-$SLIPWAY_IMAGE_ID@localhost",
                    // The image keeps the cookie in its home, /var/lib/rabbitmq.
                    "HOME": "$SLIPWAY_IMAGE_DATA",
                    "ERL_EPMD_ADDRESS": "127.0.0.1",
                    // Only the entrypoint starts epmd: one started by a
                    // health check would belong to no instance and outlive it.
                    // Distribution listens on loopback only, as epmd does.
                    "ERL_FLAGS": "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}",
                ])
        },
        internalPorts: ["ERL_EPMD_PORT", "RABBITMQ_DIST_PORT"],
        entrypoint: rabbitmqEntrypoint)
}

/// The image's entrypoint wrote `RABBITMQ_DEFAULT_*` into rabbitmq.conf;
/// so does this, with listeners on the instance's private ports only.
private let rabbitmqEntrypoint = #"""
set -eu
data="$SLIPWAY_IMAGE_DATA"
run="$SLIPWAY_IMAGE_RUN"
cookie="$data/.erlang.cookie"
if [ ! -s "$cookie" ]; then
    (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F > "$cookie")
fi
chmod 600 "$cookie"
{
    echo "listeners.tcp.default = 127.0.0.1:$PORT_5672"
    echo "loopback_users = none"
    echo "default_user = ${RABBITMQ_DEFAULT_USER:-guest}"
    echo "default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}"
    echo "default_vhost = ${RABBITMQ_DEFAULT_VHOST:-/}"
    if [ -n "${PORT_15672:-}" ]; then
        echo "management.tcp.ip = 127.0.0.1"
        echo "management.tcp.port = $PORT_15672"
    fi
} > "$run/rabbitmq.conf"
if [ -n "${PORT_15672:-}" ]; then
    echo '[rabbitmq_management].' > "$run/enabled_plugins"
else
    echo '[].' > "$run/enabled_plugins"
fi
export RABBITMQ_CONF_ENV_FILE="$run/rabbitmq-env.conf"
export RABBITMQ_CONFIG_FILE="$run/rabbitmq.conf"
export RABBITMQ_ADVANCED_CONFIG_FILE="$run/advanced.config"
export RABBITMQ_ENABLED_PLUGINS_FILE="$run/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$data/mnesia"
export RABBITMQ_LOG_BASE="$run/log"
export RABBITMQ_LOGS=-
export RABBITMQ_PID_FILE="$run/rabbitmq.pid"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$PORT_5672"
export RABBITMQ_DIST_PORT ERL_EPMD_PORT ERL_EPMD_ADDRESS RABBITMQ_NODENAME ERL_FLAGS
# epmd daemonises; started from here it is still this instance's, and goes with it.
epmd -daemon
exec "$SLIPWAY_SERVER" "$@"
"""#
