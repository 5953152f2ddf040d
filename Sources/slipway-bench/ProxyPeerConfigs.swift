/// Configuration files for the peers, written into the run's temporary directory.
/// All run unprivileged on loopback ports, with logging off as Slipway's bench proxy has it.
enum ProxyPeerConfigs {
    /// The shared backend: nginx answering a fixed 200 on long-lived keep-alive connections.
    static func backend(port: Int, directory: String) -> String {
        nginx(name: "backend", directory: directory, server: """
            server {
                listen 127.0.0.1:\(port) backlog=4096;
                location / { return 200 "hello from the benchmark backend\\n"; }
            }
            """)
    }

    /// nginx as a reverse proxy: one worker, a keep-alive upstream pool, forwarding headers like Slipway's.
    static func nginxProxy(port: Int, backendPort: Int, directory: String) -> String {
        nginx(name: "nginx", directory: directory, server: """
            upstream backend {
                server 127.0.0.1:\(backendPort);
                keepalive 128;
                keepalive_requests 100000000;
            }
            server {
                listen 127.0.0.1:\(port) backlog=4096;
                location / {
                    proxy_pass http://backend;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_set_header X-Forwarded-Host $host;
                }
            }
            """)
    }

    /// nginx's own answer to an upstream that dies: a backup server that
    /// takes over on the first connection error, and the request retried on
    /// it (`proxy_next_upstream`, on by default for errors and timeouts).
    static func nginxWithBackup(port: Int, primaryPort: Int, backupPort: Int, directory: String) -> String {
        nginx(name: "nginx", directory: directory, server: """
            upstream backend {
                server 127.0.0.1:\(primaryPort) max_fails=1 fail_timeout=60s;
                server 127.0.0.1:\(backupPort) backup;
                keepalive 128;
            }
            server {
                listen 127.0.0.1:\(port) backlog=4096;
                location / {
                    proxy_pass http://backend;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_next_upstream error timeout http_502;
                }
            }
            """)
    }

    /// One worker in the foreground, logging off, connections kept alive as long as wrk runs.
    private static func nginx(name: String, directory: String, server: String) -> String {
        """
        worker_processes 1;
        daemon off;
        pid \(directory)/\(name).pid;
        error_log \(directory)/\(name)-error.log warn;
        events { worker_connections 9000; }
        http {
            access_log off;
            \(temporaryPaths(directory, prefix: name))
            keepalive_requests 100000000;
            keepalive_timeout 300s;
        \(server)
        }
        """
    }

    static func haproxy(port: Int, backendPort: Int, mode: String) -> String {
        let httpOptions = mode == "http" ? "    option http-keep-alive\n    option forwardfor\n" : ""
        return """
        global
            nbthread 1
            maxconn 9000
        defaults
            mode \(mode)
            timeout connect 5s
            timeout client 300s
            timeout server 300s
        \(httpOptions)
        frontend bench
            bind 127.0.0.1:\(port)
            default_backend backend
        backend backend
            server b1 127.0.0.1:\(backendPort)

        """
    }

    private static func temporaryPaths(_ directory: String, prefix: String) -> String {
        ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
            .map { "\($0)_temp_path \(directory)/\(prefix)-\($0);" }
            .joined(separator: "\n    ")
    }
}
