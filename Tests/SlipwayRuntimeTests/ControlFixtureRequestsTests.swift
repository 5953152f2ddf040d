import Foundation
import Testing

@testable import SlipwayRuntime

/// The control requests `pause`, `unpause` and `addresses` on the wire, and
/// what a handler that predates them answers.
@Suite("Control requests: pause, unpause, addresses")
struct ControlFixtureRequestsTests {
    @Test("each request goes out as its name with its services and reads back the same")
    func requestsRoundTrip() throws {
        for request in [ControlRequest.pause(services: ["db"]), .unpause(services: []), .addresses(services: ["db", "web"])] {
            let line = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["version"] as? Int == 1)
            #expect(try JSONDecoder().decode(ControlRequest.self, from: Data(line.utf8)) == request, "\(line)")
        }
        let pause = try JSONDecoder().decode(ControlRequest.self, from: Data(#"{"version":1,"request":"pause","services":["db"]}"#.utf8))
        #expect(pause == .pause(services: ["db"]))
    }

    @Test("the addresses reply carries each service's host and port bindings")
    func addressesReplyRoundTrips() throws {
        let reply = ControlReply.addresses(["db": ServiceAddress(ports: [PortBinding(target: 5432, port: 40211)])])
        let line = try JSONEncoder().encode(reply)
        let object = try JSONSerialization.jsonObject(with: line) as? [String: Any]
        #expect(object?["ok"] as? Bool == true)
        #expect(try JSONDecoder().decode(ControlReply.self, from: line) == reply)
        let empty = try JSONDecoder().decode(ControlReply.self, from: Data(#"{"ok":true,"addresses":{}}"#.utf8))
        #expect(empty == .addresses([:]))
    }

    @Test("a handler without pause support refuses it as an invalid request, never a crash")
    func olderHandlersRefuse() async {
        let handler = InMemoryProject(services: ["db"])
        for call in [{ try await handler.pause(services: []) }, { try await handler.unpause(services: ["db"]) }] {
            do {
                _ = try await call()
                Issue.record("expected a refusal")
            } catch let failure as ControlFailure {
                #expect(failure.kind == .invalidRequest)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
