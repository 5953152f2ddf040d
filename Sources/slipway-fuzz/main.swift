// libFuzzer's entry over the proxy's request and response head readers and its chunked scanner.
// `.ci/proxy-safety` builds it with `-sanitize=fuzzer,address -DFUZZING` and runs it for a
// bounded time on Tests/Fuzz/corpus; built plainly, it replays the files it is given, so a
// crash the fuzzer found can be run again under a debugger.
#if canImport(Glibc)
import Glibc
#endif
@_spi(Fuzzing) import SlipwayProxy

#if FUZZING
import CLibFuzzer

// SwiftPM makes this file's top-level code the executable's `main` (`--defsym main=...`), which
// takes the place of libFuzzer's own: so its driver is called from here, with libFuzzer's usual
// command line. The archive holding libFuzzer's `main` is still searched and refers to
// `LLVMFuzzerTestOneInput`, hence the entry's C name.
var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
var count = CommandLine.argc
exit(LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    ParserFuzzing.exercise(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
for path in CommandLine.arguments.dropFirst() {
    guard let file = fopen(path, "rb") else {
        print("slipway-fuzz: cannot open \(path)")
        exit(1)
    }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count == 0 { break }
        bytes += chunk[..<count]
    }
    fclose(file)
    bytes.withUnsafeBytes { ParserFuzzing.exercise($0) }
}
#endif
