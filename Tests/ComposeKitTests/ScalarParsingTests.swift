import Testing
@testable import ComposeKit

@Suite struct DurationParserTests {
    @Test(arguments: [
        ("10s", Duration.seconds(10)), ("1m30s", .seconds(90)), ("500ms", .milliseconds(500)),
        ("1h2m", .seconds(3720)), ("2us", .microseconds(2)), ("1.5h", .seconds(5400)),
        ("0", .zero), ("1h5m30s20ms", .milliseconds(3_930_020)), ("3ns", .nanoseconds(3)),
    ])
    func composeDurationsParse(text: String, expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
    }

    @Test(arguments: ["ten", "10", "10x", "", "s", "1m 30s", "1.2.3s"])
    func nonDurationsAreRejected(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test(arguments: ["1m30s", "500ms", "1h2m", "2us", "0s", "1h0m1s"])
    func formattingRoundTrips(text: String) throws {
        let duration = try #require(DurationParser.parse(text))
        #expect(DurationParser.parse(DurationParser.format(duration)) == duration)
    }
}

@Suite struct PortParserTests {
    @Test func anOutOfRangePublishedPortIsNamedInItsWholeSpec() {
        let failure = #expect(throws: PortParser.Failure.self) { try PortParser.parseShort("99999:80") }
        #expect(failure?.message == "invalid port \"99999\" in \"99999:80\": expected a number from 0 to 65535")
    }

    @Test func publishedAndTarget() throws {
        #expect(try PortParser.parseShort("8003:8000") == [PortMapping(target: 8000, published: 8003)])
    }

    @Test func targetOnlyPublishesEphemerally() throws {
        #expect(try PortParser.parseShort("5000") == [PortMapping(target: 5000)])
    }

    @Test func hostIPRangeAndProtocol() throws {
        let mappings = try PortParser.parseShort("127.0.0.1:5000-5001:6000-6001/udp")
        #expect(mappings == [
            PortMapping(target: 6000, published: 5000, hostIP: "127.0.0.1", protocol: "udp"),
            PortMapping(target: 6001, published: 5001, hostIP: "127.0.0.1", protocol: "udp"),
        ])
    }

    @Test func ipv6HostInBrackets() throws {
        #expect(try PortParser.parseShort("[::1]:80:8080") == [PortMapping(target: 8080, published: 80, hostIP: "::1")])
    }

    @Test func publishedRangeOntoOneTarget() throws {
        #expect(try PortParser.parseShort("8000-8010:80") == [PortMapping(target: 80, publishedRange: 8000...8010)])
    }

    @Test func emptyHostPortMeansEphemeral() throws {
        #expect(try PortParser.parseShort("127.0.0.1::80") == [PortMapping(target: 80, hostIP: "127.0.0.1")])
    }

    @Test(arguments: ["abc", "80:80:80:80", "70000", "90-80", "1-2:3-5", "notanip:80:80", "80/"])
    func badPortsAreRejected(text: String) {
        #expect(throws: PortParser.Failure.self) { try PortParser.parseShort(text) }
    }
}
