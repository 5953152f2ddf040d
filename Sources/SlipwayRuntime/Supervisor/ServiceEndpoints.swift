import ComposeKit
import SlipwayProxy

/// The proxy listeners of a project: every published port, plus one stable
/// loopback endpoint per container port of every service with `ports` or
/// `expose`, which dependents are told about and which never changes while
/// instances come and go.
struct ServiceEndpoints: Sendable {
    /// service → container port → listeners forwarding to the instance's private port.
    var listeners: [String: [Int: [ListenerKey]]] = [:]
    /// service → container port → stable loopback port.
    var stablePorts: [String: [Int: Int]] = [:]
    /// service → its stable address, what its dependents are told.
    var addresses: [String: ServiceAddress] = [:]
    /// service → its published ports as bound, for `ps`.
    var published: [String: [PortPublisher]] = [:]
    /// Every published port with its listener, for `stats`.
    var publishedListeners: [PublishedListener] = []
    /// service → container port → the port its name reaches at its service
    /// address: the container port itself, unless that was taken.
    var namedPorts: [String: [Int: Int]] = [:]
    /// service → lines saying which container ports its name reaches elsewhere.
    var notes: [String: [String]] = [:]

    /// Takes in the listeners opened for services a deploy added.
    mutating func add(_ other: ServiceEndpoints) {
        listeners.merge(other.listeners) { $1 }
        stablePorts.merge(other.stablePorts) { $1 }
        addresses.merge(other.addresses) { $1 }
        published.merge(other.published) { $1 }
        publishedListeners += other.publishedListeners
    }

    /// Opens every listener, or none: on a failure the ones already open are closed.
    static func open(
        for services: [Service], proxy: ReverseProxy, addresses: ServiceAddresses = ServiceAddresses(byService: [:])
    ) async throws(UpError) -> ServiceEndpoints {
        var endpoints = ServiceEndpoints()
        var opened: [ListenerKey] = []
        do {
            for service in services.sorted(by: { $0.name < $1.name }) {
                try await endpoints.open(service, proxy: proxy, opened: &opened)
                if let address = addresses.byService[service.name] {
                    try await endpoints.openNamed(service, at: address, proxy: proxy, opened: &opened)
                }
            }
        } catch {
            for key in opened { await proxy.removeListener(key) }
            throw error
        }
        return endpoints
    }

    private mutating func open(_ service: Service, proxy: ReverseProxy, opened: inout [ListenerKey]) async throws(UpError) {
        var used = Set<ListenerKey>()
        for mapping in service.ports {
            var key = ListenerKey(service: service.name, containerPort: mapping.target)
            if used.contains(key) { key = ListenerKey(service: "\(service.name)#\(used.count)", containerPort: mapping.target) }
            used.insert(key)
            let host = mapping.hostIP ?? "127.0.0.1"
            let config = ListenerConfig(
                key: key, host: host, port: mapping.published ?? 0, mode: Self.mode(service, mapping), serviceName: service.name)
            let listener = try await Self.add(config, proxy: proxy, describing: "\(host):\(mapping.published.map(String.init) ?? "0")->\(mapping.target)")
            opened.append(key)
            listeners[service.name, default: [:]][mapping.target, default: []].append(key)
            let publisher = PortPublisher(mapping: mapping, boundPort: listener.boundPort)
            published[service.name, default: []].append(publisher)
            publishedListeners.append(PublishedListener(service: service.name, key: key, publisher: publisher))
            if ["127.0.0.1", "0.0.0.0", "localhost"].contains(host), stablePorts[service.name]?[mapping.target] == nil {
                stablePorts[service.name, default: [:]][mapping.target] = listener.boundPort
            }
        }
        for target in service.containerPorts where stablePorts[service.name]?[target] == nil {
            let key = ListenerKey(service: "\(service.name)#endpoint", containerPort: target)
            let config = ListenerConfig(key: key, port: 0, mode: .tcp, serviceName: service.name)
            let listener = try await Self.add(config, proxy: proxy, describing: "endpoint for \(target)")
            opened.append(key)
            listeners[service.name, default: [:]][target, default: []].append(key)
            stablePorts[service.name, default: [:]][target] = listener.boundPort
        }
        addresses[service.name] = ServiceAddress(service: service, portsByTarget: stablePorts[service.name] ?? [:])
    }

    /// The service's name reaches these (docs/service-discovery.md): each
    /// container port under its own number at the service's address, or,
    /// when that is taken, a free port there.
    private mutating func openNamed(
        _ service: Service, at address: String, proxy: ReverseProxy, opened: inout [ListenerKey]
    ) async throws(UpError) {
        for target in service.containerPorts {
            let key = ListenerKey(service: "\(service.name)#name", containerPort: target)
            var config = ListenerConfig(key: key, host: address, port: target, mode: .tcp, serviceName: service.name)
            let listener: Listener
            if let bound = try? await proxy.addListener(config) {
                listener = bound
            } else {
                config.port = 0
                listener = try await Self.add(config, proxy: proxy, describing: "\(address):\(target)")
                notes[service.name, default: []].append(
                    "\(address):\(target) is taken; its name reaches port \(target) at \(address):\(listener.boundPort) instead")
            }
            opened.append(key)
            listeners[service.name, default: [:]][target, default: []].append(key)
            namedPorts[service.name, default: [:]][target] = listener.boundPort
        }
    }

    private static func add(_ config: ListenerConfig, proxy: ReverseProxy, describing port: String) async throws(UpError) -> Listener {
        do {
            return try await proxy.addListener(config)
        } catch let error as ProxyError {
            throw UpError.portUnavailable(service: config.serviceName, port: port, reason: error.description)
        } catch {
            throw UpError.portUnavailable(service: config.serviceName, port: port, reason: "\(error)")
        }
    }

    private static func mode(_ service: Service, _ mapping: PortMapping) -> ProxyMode {
        if mapping.appProtocol?.lowercased() == "http" { return .http }
        return service.slipway.proxy == .http ? .http : .tcp
    }
}
