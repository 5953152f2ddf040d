// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "slipway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "slipway", targets: ["slipway"]),
        .executable(name: "slipway-shim", targets: ["slipway-shim"]),
        .library(name: "ComposeKit", targets: ["ComposeKit"]),
        .library(name: "SlipwayProxy", targets: ["SlipwayProxy"]),
        .library(name: "SlipwayRuntime", targets: ["SlipwayRuntime"]),
        .library(name: "SlipwayStore", targets: ["SlipwayStore"]),
        .library(name: "SlipwayKit", targets: ["SlipwayKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(
            name: "ComposeKit",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // epoll, eventfd and accept4 for the proxy's event loop: Swift's Glibc module does not offer them.
        .target(name: "CProxyLoop"),
        .target(
            name: "SlipwayProxy",
            dependencies: [
                "CProxyLoop",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // The system libsqlite3 (Debian: libsqlite3-dev), rather than a package that bundles its own.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "SlipwayStore", dependencies: ["CSQLite"]),
        // What runs between the supervisor and a service's processes (the instance shim, the exec
        // steps, the namespace holder): Glibc only, no Foundation, so that its program starts fast.
        .target(name: "SlipwayShim"),
        // Started with every instance and every CMD health check: the Swift runtime linked in
        // statically saves the dynamic loader about a millisecond per start (docs/benchmarks.md).
        .executableTarget(
            name: "slipway-shim",
            dependencies: ["SlipwayShim"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),
        .target(
            name: "SlipwayRuntime",
            dependencies: [
                "ComposeKit",
                "SlipwayProxy",
                "SlipwayShim",
                "SlipwayStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // Drill files (docs/drills.md), read with their lines for the errors.
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // A project as a Swift test's fixture: the supervisor in the test process (docs/testing.md).
        .target(name: "SlipwayKit", dependencies: ["ComposeKit", "SlipwayRuntime"]),
        .executableTarget(
            name: "slipway",
            dependencies: [
                "ComposeKit",
                "SlipwayProxy",
                "SlipwayRuntime",
                "SlipwayShim",
                "SlipwayStore",
                "SlipwayCLIRendering",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Rendering/Tables"]
        ),
        // The CLI's tables, a library of their own only so that tests can import them: the
        // runtime hands data (StatusSnapshot, StatsSnapshot) and the CLI lays it out.
        .target(name: "SlipwayCLIRendering", dependencies: ["SlipwayRuntime"], path: "Sources/slipway/Rendering/Tables"),
        .executableTarget(
            name: "slipway-bench",
            dependencies: [
                "ComposeKit",
                "SlipwayProxy",
                "SlipwayRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The benchmarks' instantly-ready HTTP service, as lean as slipway-shim for the same reason.
        .executableTarget(name: "slipway-bench-http-ok", linkerSettings: [.unsafeFlags(["-static-stdlib"])]),
        // libFuzzer's driver, declared only: a build with `-sanitize=fuzzer` links it (.ci/proxy-safety).
        .systemLibrary(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        // libFuzzer's entry over the proxy's head readers and chunked scanner (.ci/proxy-safety).
        .executableTarget(name: "slipway-fuzz", dependencies: ["SlipwayProxy", "CLibFuzzer"]),
        .testTarget(name: "ComposeKitTests", dependencies: ["ComposeKit"]),
        .testTarget(
            name: "SlipwayProxyTests",
            dependencies: [
                "SlipwayProxy",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Helpers more than one test target needs; a plain target, since test targets cannot depend on each other.
        .target(name: "SlipwayTestSupport", path: "Tests/SlipwayTestSupport"),
        .testTarget(name: "SlipwayRuntimeTests", dependencies: ["SlipwayRuntime", "SlipwayShim", "SlipwayStore", "ComposeKit", "SlipwayTestSupport"]),
        .testTarget(name: "SlipwayShimTests", dependencies: ["SlipwayShim"]),
        .testTarget(name: "SlipwayStoreTests", dependencies: ["SlipwayStore", "CSQLite"]),
        .testTarget(name: "SlipwayCLIRenderingTests", dependencies: ["SlipwayCLIRendering", "SlipwayRuntime"]),
        .testTarget(name: "SlipwayKitTests", dependencies: ["SlipwayKit", "SlipwayRuntime", "SlipwayTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ComposeKit", "SlipwayStore", "SlipwayTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
