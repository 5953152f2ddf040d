import ComposeKit
import Testing
@testable import SlipwayRuntime

/// The pure parts of service discovery: addresses per project, who sees
/// which name, the hosts file, and the environment fallback.
@Suite("service names: addresses, networks, hosts file, environment fallback")
struct ServiceNamesModelTests {
    private func service(_ name: String, expose: [Int] = [], networks: ComposeValue? = nil) -> Service {
        var service = Service(name: name)
        service.expose = expose
        if let networks { service.notEmulated["networks"] = networks }
        return service
    }

    @Test func aProjectKeepsItsBlockAndAnotherProjectGetsAnother() {
        let services = [service("web", expose: [8000]), service("db", expose: [5432])]
        let first = ServiceAddresses.assign(project: "shop", services: services) { _, _ in true }
        let again = ServiceAddresses.assign(project: "shop", services: services) { _, _ in true }
        let other = ServiceAddresses.assign(project: "blog", services: services) { _, _ in true }
        #expect(first == again)
        #expect(first.byService["db"] != other.byService["db"])
        let db = first.byService["db"] ?? "", web = first.byService["web"] ?? ""
        #expect(db.hasPrefix("127.") && db != web)
        #expect(db.split(separator: ".").dropLast() == web.split(separator: ".").dropLast(), "one block per project")
        #expect(!db.hasPrefix("127.0."))
    }

    @Test func aBlockWithATakenPortIsPassedOver() {
        let services = [service("db", expose: [5432])]
        let preferred = ServiceAddresses.assign(project: "shop", services: services) { _, _ in true }
        let taken = preferred.byService["db"]
        let moved = ServiceAddresses.assign(project: "shop", services: services) { host, port in
            !(host == taken && port == 5432)
        }
        #expect(moved.byService["db"] != nil && moved.byService["db"] != taken)
    }

    @Test func networksAndAliasesDecideWhoSeesWhichName() {
        let web = service("web", networks: .array([.string("front"), .string("back")]))
        let db = service("db", networks: .mapping([("back", .mapping([("aliases", .array([.string("database")]))]))]))
        let proxy = service("proxy", networks: .array([.string("front")]))
        let worker = service("worker")
        let all = [web, db, proxy, worker]
        let addresses = ServiceAddresses.assign(project: "p", services: all) { _, _ in true }
        let seenByWeb = HostsFile.visibleNames(for: web, among: all, addresses: addresses)
        #expect(Set(seenByWeb.keys) == ["web", "db", "database", "proxy"])
        #expect(seenByWeb["database"] == addresses.byService["db"])
        let seenByProxy = HostsFile.visibleNames(for: proxy, among: all, addresses: addresses)
        #expect(Set(seenByProxy.keys) == ["web", "proxy"], "an alias on back is not seen from front")
        #expect(Set(HostsFile.visibleNames(for: worker, among: all, addresses: addresses).keys) == ["worker"])
    }

    @Test func theHostsFileListsVisibleServicesBeforeTheMachinesOwnEntries() {
        let all = [service("web"), service("db")]
        let addresses = ServiceAddresses(byService: ["web": "127.9.9.1", "db": "127.9.9.2"])
        let text = HostsFile.render(for: all[0], among: all, addresses: addresses, machineHosts: "127.0.0.1\tlocalhost\n")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("127.9.9.2\tdb"))
        #expect(lines.contains("127.9.9.1\tweb"))
        #expect(lines.last == "127.0.0.1\tlocalhost")
    }

    @Test func theFallbackRewritesNamesWhereTheyStandAsHosts() {
        let rewrite = HostRewrite(addresses: ["db": "127.9.9.2", "redis": "127.9.9.3"], movedPorts: [:], rewritesNames: true)
        let environment = rewrite.apply(to: [
            "DATABASE_URL": "postgres://u:p@db:5432/app", "REDIS_HOST": "redis", "REDIS_PORT": "6379",
            "HOSTS": "db:5432,redis:6379", "PATH_LIKE": "/srv/db", "NAME": "dbx", "URL": "http://redis/x",
        ])
        #expect(environment["DATABASE_URL"] == "postgres://u:p@127.9.9.2:5432/app")
        #expect(environment["REDIS_HOST"] == "127.9.9.3")
        #expect(environment["REDIS_PORT"] == "6379")
        #expect(environment["HOSTS"] == "127.9.9.2:5432,127.9.9.3:6379")
        #expect(environment["PATH_LIKE"] == "/srv/db")
        #expect(environment["NAME"] == "dbx")
        #expect(environment["URL"] == "http://127.9.9.3/x")
    }

    @Test func aMovedPortIsRewrittenWithTheNameKept() {
        let rewrite = HostRewrite(addresses: ["db": "127.9.9.2"], movedPorts: ["db": [5432: 40001]], rewritesNames: false)
        #expect(rewrite.rewrite("postgres://u:p@db:5432/app") == "postgres://u:p@db:40001/app")
        #expect(rewrite.rewrite("db") == "db")
    }

    @Test func checksRunInsideTheServicesViewOfNames() {
        let names = ServiceNames(hostsFiles: ["db": "/state/hosts/db"])
        #expect(names.wrap(.shell("pg_isready -h db"), of: "db", shimExecutable: "/bin/slipway-shim")
            == .exec(["/bin/slipway-shim", "__exec-ns", "/state/hosts/db", "/bin/sh", "/bin/sh", "-c", "pg_isready -h db"]))
        #expect(names.wrap(.exec(["pg_isready", "-h", "db"]), of: "db", shimExecutable: "/bin/slipway-shim")
            == .exec(["/bin/slipway-shim", "__exec-ns", "/state/hosts/db", "pg_isready", "pg_isready", "-h", "db"]))
        #expect(names.wrap(.http(port: 1, path: "/"), of: "db", shimExecutable: "/bin/slipway-shim") == .http(port: 1, path: "/"))
        #expect(names.wrap(.shell("true"), of: "web", shimExecutable: "/bin/slipway-shim") == .shell("true"))
    }
}
