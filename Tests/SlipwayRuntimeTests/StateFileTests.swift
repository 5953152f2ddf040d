import Foundation
import Glibc
import Testing
@testable import SlipwayRuntime

@Suite("StateFile")
struct StateFileTests {
    @Test func replacesTheWholeFileWithItsModeAndLeavesNothingAside() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/hosts"
        try StateFile.replace(path, with: Array("a much longer first version\n".utf8), mode: 0o600)
        try StateFile.replace(path, with: Array("second\n".utf8), mode: 0o644)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["hosts"])
    }

    @Test func aLinkPlantedWhereTheFileIsWrittenAsideIsNotFollowed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.path + "/elsewhere"
        try Data("untouched".utf8).write(to: URL(fileURLWithPath: target))
        #expect(symlink(target, directory.path + "/project.json.tmp") == 0)
        try StateFile.replace(directory.path + "/project.json", with: Array("{}".utf8), mode: 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "untouched")
        #expect(try String(contentsOfFile: directory.path + "/project.json", encoding: .utf8) == "{}")
    }

    @Test func aFailureNamesTheFileAndItsCause() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/missing/hosts"
        let error = #expect(throws: StateFile.WriteError.self) { try StateFile.replace(path, with: [1], mode: 0o600) }
        #expect(error?.description == "cannot write \(path).tmp: No such file or directory")
    }
}
