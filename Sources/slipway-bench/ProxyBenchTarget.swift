/// One thing wrk is pointed at in the proxy benchmark.
enum ProxyBenchTarget: String, CaseIterable {
    case backend = "backend (direct)"
    case slipwayHTTP = "slipway http"
    case slipwayTCP = "slipway tcp"
    case nginx = "nginx http"
    case haproxyHTTP = "haproxy http"
    case haproxyTCP = "haproxy tcp"
}
