import Testing
@testable import ComposeKit

@Suite struct ServiceModelTests {
    @Test func containerPortsListPortsThenExposeWithoutRepeats() {
        var service = Service(name: "web")
        service.ports = [PortMapping(target: 8000, published: 8003), PortMapping(target: 9000)]
        service.expose = [9000, 7000]
        #expect(service.containerPorts == [8000, 9000, 7000])
    }

    @Test func slipwayCommandWinsOverCommand() {
        var service = Service(name: "web")
        service.command = .shell("nginx")
        #expect(service.effectiveCommand == .shell("nginx"))
        service.slipway.command = .exec(["python3", "app.py"])
        #expect(service.effectiveCommand == .exec(["python3", "app.py"]))
    }
}
