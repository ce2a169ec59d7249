import ArgumentParser
import DNSGuardCore
import DNSGuardTLS
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dnsguard certs`: a private CA and a serving certificate for the webhook's Service, written with
/// modes that keep the keys private, and the commands that hand them to the cluster.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Create a CA and a serving certificate (ECDSA P-256) for dnsguard's Service.",
        discussion: """
            Writes ca.crt, ca.key, tls.crt and tls.key into --out (created with mode 0700; keys 0600). \
            The serving certificate names <service>, <service>.<namespace>, <service>.<namespace>.svc and \
            <service>.<namespace>.svc.<cluster-domain>: the API server checks these SANs, never the CN. \
            Prints the kubectl command that creates the Secret and the caBundle for the webhook \
            configurations. With --ca-cert and --ca-key the serving certificate is issued by that CA \
            instead (renewal without changing the caBundle). Never commit what this writes.
            """
    )

    @Option(help: "The Service the API server calls.")
    var service = "dnsguard"

    @Option(help: "The namespace of the Service.")
    var namespace = "dnsguard-system"

    @Option(help: "The cluster's DNS domain (for the fully qualified SAN).")
    var clusterDomain = "cluster.local"

    @Option(help: "Directory to write the certificates and keys into.")
    var out: String

    @Option(help: "Name of the TLS Secret in the printed kubectl command.")
    var secretName = "dnsguard-tls"

    @Option(help: "Validity of the serving certificate in days.")
    var days = 365

    @Option(help: "Validity of a newly created CA in days.")
    var caDays = 3650

    @Option(help: "Issue from this CA certificate (PEM) instead of creating a CA; needs --ca-key.")
    var caCert: String?

    @Option(help: "The private key (PEM) of --ca-cert.")
    var caKey: String?

    @Flag(help: "Replace existing certificates and keys in --out.")
    var force = false

    func validate() throws {
        guard (caCert == nil) == (caKey == nil) else {
            throw ValidationError("--ca-cert and --ca-key go together")
        }
        guard (1...3650).contains(days), (1...36500).contains(caDays) else {
            throw ValidationError("--days must be 1-3650 and --ca-days 1-36500")
        }
        for (flag, value) in [("--service", service), ("--namespace", namespace)] where !DNSNameSyntax.isLabel(value) {
            throw ValidationError("\(flag) \"\(value)\" is not a DNS label (lowercase letters, digits, '-')")
        }
    }

    /// The DNS names the API server may dial: it uses <service>.<namespace>.svc, the rest serve
    /// in-cluster clients that use the shorter or the fully qualified form.
    var dnsNames: [String] {
        [service, "\(service).\(namespace)", "\(service).\(namespace).svc", "\(service).\(namespace).svc.\(clusterDomain)"]
    }

    func run() throws {
        let directory = URL(fileURLWithPath: out)
        let files = CertificateFiles(directory: directory)
        let existing = files.all.filter { FileManager.default.fileExists(atPath: $0.path) }
        if !existing.isEmpty, !force {
            throw CertsCommandError(
                "\(existing.map(\.path).joined(separator: ", ")) already exist; use --force to replace them")
        }

        let authority: CertificateAuthority
        if let caCert, let caKey {
            authority = try CertificateAuthority(
                certificatePEM: Self.read(caCert), privateKeyPEM: Self.read(caKey))
        } else {
            authority = try CertificateAuthority.generate(commonName: "\(service)-ca", validityDays: caDays)
        }
        let serving = try authority.issueServingCertificate(
            commonName: "\(service).\(namespace).svc", dnsNames: dnsNames, ipAddresses: [], validityDays: days)

        try Self.makePrivateDirectory(directory)
        try Self.store(authority.certificatePEM, to: files.caCertificate, mode: 0o644)
        if caCert == nil {
            try Self.store(authority.privateKeyPEM, to: files.caKey, mode: 0o600)
        }
        try Self.store(serving.privateKeyPEM, to: files.key, mode: 0o600)
        try Self.store(serving.certificatePEM, to: files.certificate, mode: 0o644)

        let caBundle = Data(authority.certificatePEM.utf8).base64EncodedString()
        print("""
            Wrote \(files.caCertificate.path), \(caCert == nil ? files.caKey.path + ", " : "")\(files.certificate.path), \(files.key.path)
            Serving certificate for \(dnsNames.joined(separator: ", ")), valid \(days) days.
            Keep the keys out of version control; the CA key is only needed to issue the next certificate.

            Create (or replace) the Secret the Deployment mounts:
              kubectl create namespace \(namespace) --dry-run=client -o yaml | kubectl apply -f -
              kubectl -n \(namespace) create secret tls \(secretName) --cert=\(files.certificate.path) --key=\(files.key.path) --dry-run=client -o yaml | kubectl apply -f -

            Render the webhook configurations with this CA (see certs/README.md):
              dnsguard manifests --config webhook-config/base/config.yaml --ca-bundle \(files.caCertificate.path) --namespace \(namespace) --service \(service)

            caBundle (base64 of \(files.caCertificate.lastPathComponent)) for every webhook's clientConfig.caBundle:
            \(caBundle)
            """)
    }

    private static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CertsCommandError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Creates the directory with mode 0700; an existing one open to others is refused, since the
    /// keys would be readable through it.
    private static func makePrivateDirectory(_ directory: URL) throws {
        if FileManager.default.fileExists(atPath: directory.path) {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
            if mode & 0o077 != 0 {
                throw CertsCommandError(
                    "\(directory.path) is accessible to other users (mode \(String(mode, radix: 8))); "
                        + "use a new directory or chmod 700 it")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CertsCommandError("cannot create \(directory.path): \(error.localizedDescription)")
        }
    }

    /// Writes through a new file created with its final mode, then renames it into place: a key
    /// is never readable by others, not even for a moment, and a crash leaves no half-written file.
    private static func store(_ contents: String, to file: URL, mode: mode_t) throws {
        let temporary = file.deletingLastPathComponent()
            .appendingPathComponent(".\(file.lastPathComponent).\(getpid()).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw CertsCommandError("cannot create \(temporary.path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary.path)
                throw CertsCommandError("cannot write \(temporary.path): \(reason)")
            }
            written += result
        }
        // open(2)'s mode is filtered by the umask; set the exact mode.
        fchmod(descriptor, mode)
        close(descriptor)
        guard rename(temporary.path, file.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw CertsCommandError("cannot write \(file.path): \(reason)")
        }
    }
}

/// The four files `dnsguard certs` writes, named as `kubectl create secret tls` and cert-manager name them.
private struct CertificateFiles {
    let directory: URL
    var caCertificate: URL { directory.appendingPathComponent("ca.crt") }
    var caKey: URL { directory.appendingPathComponent("ca.key") }
    var certificate: URL { directory.appendingPathComponent("tls.crt") }
    var key: URL { directory.appendingPathComponent("tls.key") }
    var all: [URL] { [caCertificate, caKey, certificate, key] }
}

/// A failure of `dnsguard certs` that the user can act on.
struct CertsCommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
