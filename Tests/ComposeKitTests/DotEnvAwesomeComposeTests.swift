import ComposeKit
import Foundation
import Testing

/// The real-world `.env` files of awesome-compose, which `config` reads beside their projects.
@Suite(.enabled(if: ComposeGoCorpus.isPresent, ComposeGoCorpus.absenceNote))
struct DotEnvAwesomeComposeTests {
    static let projects = ComposeGoCorpus.directory.appendingPathComponent("../awesome-compose/projects").standardizedFileURL

    @Test(arguments: [
        ("wireguard", "VPN_SERVER_URL", "your-domain.dyndns.com"),
        ("postgresql-pgadmin", "PGADMIN_PW", "changeit"),
        ("postgresql-pgadmin", "PGADMIN_MAIL", "your@email.com"),
        ("pihole-cloudflared-DoH", "PIHOLE_HOST_IPV6", ""),
        ("pihole-cloudflared-DoH", "PIHOLE_REVERSE_DNS", "192.168.178.0/24"),
        ("plex", "PLEX_MEDIA_PATH", "/media/your/plex/path"),
    ])
    func readsTheProjectEnvFile(project: String, key: String, expected: String) throws {
        let url = Self.projects.appendingPathComponent(project).appendingPathComponent(".env")
        let text = try String(contentsOf: url, encoding: .utf8)
        let variables = try DotEnvParser.parse(text) { _ in nil }
        #expect(variables.first { $0.key == key }?.value == expected)
        #expect(Set(variables.map(\.key)).count == variables.count)
    }
}
