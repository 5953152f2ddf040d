/// The answer to a request an injected error rate fails (`ListenerFault`).
extension LocalResponse {
    static func injectedFault(service: String) -> LocalResponse {
        LocalResponse(
            status: Status(code: 503, reasonPhrase: "Service Unavailable"),
            message: "503 Service Unavailable: fault injected into service \"\(service)\" by `slipway fault`\n"
        )
    }
}
