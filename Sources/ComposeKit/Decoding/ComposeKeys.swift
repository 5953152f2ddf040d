/// The keys of the compose specification (compose-spec.json plus compose-go's
/// newer `pre_start`), split into what Slipway models and what it only keeps.
enum ComposeKeys {
    static let topLevel: Set<String> = [
        "version", "name", "services", "networks", "volumes", "secrets", "configs", "models", "include",
    ]

    /// Service keys that become typed fields of `Service`.
    static let modelledServiceKeys: Set<String> = [
        "image", "build", "command", "entrypoint", "environment", "env_file", "working_dir", "user",
        "depends_on", "healthcheck", "ports", "expose", "restart", "deploy", "stop_signal",
        "stop_grace_period", "profiles", "labels", "extends",
    ]

    /// Service keys that are valid compose but mean nothing for a process; kept in
    /// `Service.notEmulated` and reported once by `config`.
    static let notEmulatedServiceKeys: Set<String> = [
        "annotations", "attach", "blkio_config", "cap_add", "cap_drop", "cgroup", "cgroup_parent",
        "configs", "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota",
        "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset", "credential_spec",
        "develop", "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname",
        "external_links", "extra_hosts", "gpus", "group_add", "hostname", "init", "ipc", "isolation",
        "label_file", "links", "logging", "mac_address", "mem_limit", "mem_reservation",
        "mem_swappiness", "memswap_limit", "models", "network_mode", "networks", "oom_kill_disable",
        "oom_score_adj", "pid", "pids_limit", "platform", "post_start", "pre_start", "pre_stop",
        "privileged", "provider", "pull_policy", "pull_refresh_after", "read_only", "runtime", "scale",
        "secrets", "security_opt", "shm_size", "stdin_open", "storage_opt", "sysctls", "tmpfs", "tty",
        "ulimits", "use_api_socket", "userns_mode", "uts", "volumes", "volumes_from",
    ]

    static let serviceKeys = modelledServiceKeys.union(notEmulatedServiceKeys)

    static let healthcheckKeys: Set<String> = [
        "test", "interval", "timeout", "retries", "start_period", "start_interval", "disable",
    ]
    static let longPortKeys: Set<String> = ["name", "target", "published", "host_ip", "protocol", "app_protocol", "mode"]
    static let dependencyKeys: Set<String> = ["condition", "restart", "required"]
    static let envFileKeys: Set<String> = ["path", "required", "format"]
    static let restartPolicyKeys: Set<String> = ["condition", "delay", "max_attempts", "window"]
    static let slipwayKeys: Set<String> = ["command", "health_path", "proxy", "restart_on_unhealthy", "release", "deploy"]
    static let updateConfigKeys: Set<String> = [
        "parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order",
    ]
    static let slipwayDeployKeys: Set<String> = ["strategy", "drain", "keep_previous", "monitor", "rollback_after_failures"]
    static let extendsKeys: Set<String> = ["service", "file"]
    static let includeKeys: Set<String> = ["path", "env_file", "project_directory"]
}
