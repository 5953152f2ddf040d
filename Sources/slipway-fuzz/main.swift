// libFuzzer's entry over the proxy's request and response head readers and its chunked scanner.
// `.ci/run` builds it with `-sanitize=fuzzer,address -parse-as-library -DFUZZING` and runs it
// for a bounded time on Tests/Fuzz/corpus; built plainly, it replays the files it is given, so
// a crash the fuzzer found can be run again under a debugger.
#if canImport(Glibc)
import Glibc
#endif
@_spi(Fuzzing) import SlipwayProxy

#if FUZZING
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
