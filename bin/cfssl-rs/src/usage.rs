//! Usage texts: the top-level usage and every command's `-h` (docs/cfssl-compat.md §1.1, Appendix A).
//!
//! A command's usage is a TAB, its text verbatim, then one line per listed flag in list
//! order, `  -name=default: usage` (an empty default prints as `""`, cfssl `cli/cli.go`
//! `printDefaultValue`), names that are not registered skipped, and finally the
//! `-loglevel` line, which every command gets. The texts and flag lists of cfssl's
//! commands are all here, so a command module only points at its [`Help`].

use std::io::{self, Write};

use crate::cmd::Command;
use crate::flags;

/// What a command's `-h` prints: the usage text and the flags to list.
#[derive(Debug)]
pub struct Help {
    /// Usage text, verbatim, without the leading TAB (it ends with a newline).
    pub text: &'static str,
    /// Flags to list, in order; `loglevel` is appended when printing. Names that are
    /// not registered are skipped, as cfssl does for `sign`'s `mutual-tls-cert`.
    pub flags: &'static [&'static str],
}

/// Writes a command's usage (cfssl `cfsslFlagSet.Usage`).
///
/// # Errors
/// Only the writer's.
pub fn write_command_usage(w: &mut dyn Write, help: &Help) -> io::Result<()> {
    let mut out = format!("\t{}", help.text);
    for spec in help
        .flags
        .iter()
        .chain(std::iter::once(&"loglevel"))
        .filter_map(|name| flags::lookup(name))
    {
        let default = if spec.default.is_empty() {
            "\"\""
        } else {
            spec.default
        };
        out.push_str(&format!("  -{}={}: {}\n", spec.name, default, spec.usage));
    }
    w.write_all(out.as_bytes())
}

/// Writes the top-level usage: `Usage:`, `Available commands:`, a TAB line per command
/// (sorted by name; cfssl's order is random), `Top-level flags:`.
///
/// # Errors
/// Only the writer's.
pub fn write_top_level_usage(w: &mut dyn Write, commands: &[&Command]) -> io::Result<()> {
    let mut names: Vec<&str> = commands.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let mut out = String::from("Usage:\nAvailable commands:\n");
    for name in names {
        out.push('\t');
        out.push_str(name);
        out.push('\n');
    }
    out.push_str("Top-level flags:\n");
    w.write_all(out.as_bytes())
}

/// `cfssl gencert` (docs/cfssl-compat.md Appendix A).
pub static GENCERT: Help = Help {
    text: r#"cfssl gencert -- generate a new key and signed certificate

Usage of gencert:
    Generate a new key and cert from CSR:
        cfssl gencert -initca CSRJSON
        cfssl gencert -ca cert -ca-key key [-config config] [-profile profile] [-hostname hostname] CSRJSON
        cfssl gencert -remote remote_host [-config config] [-profile profile] [-label label] [-hostname hostname] CSRJSON

    Re-generate a CA cert with the CA key and CSR:
        cfssl gencert -initca -ca-key key CSRJSON

    Re-generate a CA cert with the CA key and certificate:
        cfssl gencert -renewca -ca cert -ca-key key

Arguments:
        CSRJSON:    JSON file containing the request, use '-' for reading JSON from stdin

Flags:
"#,
    flags: &[
        "initca", "remote", "ca", "ca-key", "config", "cn", "hostname", "profile", "label",
    ],
};

/// `cfssl sign` (docs/cfssl-compat.md Appendix A).
pub static SIGN: Help = Help {
    text: r#"cfssl sign -- signs a client cert with a host name by a given CA and CA key

Usage of sign:
        cfssl sign -ca cert -ca-key key [mutual-tls-cert cert] [mutual-tls-key key] [-config config] [-profile profile] [-hostname hostname] [-db-config db-config] CSR [SUBJECT]
        cfssl sign -remote remote_host [mutual-tls-cert cert] [mutual-tls-key key] [-config config] [-profile profile] [-label label] [-hostname hostname] CSR [SUBJECT]

Arguments:
        CSR:        PEM file for certificate request, use '-' for reading PEM from stdin.

Note: CSR can also be supplied via flag values; flag value will take precedence over the argument.

SUBJECT is an optional file containing subject information to use for the certificate instead of the subject information in the CSR.

Flags:
"#,
    flags: &[
        "hostname",
        "csr",
        "ca",
        "ca-key",
        "config",
        "profile",
        "label",
        "remote",
        "mutual-tls-cert",
        "mutual-tls-key",
        "db-config",
    ],
};

/// `cfssl genkey` (docs/cfssl-compat.md Appendix A).
pub static GENKEY: Help = Help {
    text: r#"cfssl genkey -- generate a new key and CSR

Usage of genkey:
        cfssl genkey CSRJSON

Arguments:
        CSRJSON:    JSON file containing the request, use '-' for reading JSON from stdin

Flags:
"#,
    flags: &["initca", "config"],
};

/// `cfssl gencsr` (docs/cfssl-compat.md Appendix A).
pub static GENCSR: Help = Help {
    text: r#"cfssl gencsr -- generate a csr from a private key with existing CSR json specification or certificate

Usage of gencsr:
        cfssl gencsr -key private_key_file [-host hostname_override] CSRJSON
        cfssl gencsr -key private_key_file [-host hostname_override] -cert certificate_file

Arguments:
        CSRJSON:    JSON file containing the request, use '-' for reading JSON from stdin

Flags:
"#,
    flags: &["key", "cert"],
};

/// `cfssl selfsign` (docs/cfssl-compat.md Appendix A).
pub static SELFSIGN: Help = Help {
    text: r#"cfssl selfsign -- generate a new self-signed key and signed certificate

Usage of gencert:
        cfssl selfsign HOSTNAME CSRJSON

WARNING: this should ONLY be used for testing. This should never be
used in production.

WARNING: self-signed certificates are insecure; they do not provide
the authentication required for secure systems. Use these at your own
risk.

Arguments:
        HOSTNAME:   Hostname for the cert
        CSRJSON:    JSON file containing the request, use '-' for reading JSON from stdin

Flags:
"#,
    flags: &["config"],
};

/// `cfssl certinfo` (docs/cfssl-compat.md Appendix A).
pub static CERTINFO: Help = Help {
    text: r#"cfssl certinfo -- output certinfo about the given cert

Usage of certinfo:
	- Data from local certificate files
        cfssl certinfo -cert file
	- Data from local CSR file
        cfssl certinfo -csr file
	- Data from certificate from remote server.
        cfssl certinfo -domain domain_name
	- Data from CA storage
        cfssl certinfo -sn serial (requires -db-config and -aki)

Flags:
"#,
    flags: &["aki", "cert", "csr", "db-config", "domain", "serial"],
};

/// `cfssl print-defaults` (docs/cfssl-compat.md Appendix A).
pub static PRINT_DEFAULTS: Help = Help {
    text: r#"cfssl print-defaults -- print default configurations that can be used as a template

Usage of print-defaults:
        cfssl print-defaults TYPE

If "list" is used as the TYPE, the list of supported types will be printed.
"#,
    flags: &[],
};

/// `cfssl gencrl` (docs/cfssl-compat.md Appendix A).
pub static GENCRL: Help = Help {
    text: r#"cfssl gencrl -- generate a new Certificate Revocation List

Usage of gencrl:
        cfssl gencrl INPUTFILE CERT KEY TIME

Arguments:
        INPUTFILE:               Text file with one serial number per line, use '-' for reading text from stdin
        CERT:                    The certificate that is signing this CRL, use '-' for reading text from stdin
        KEY:                     The private key of the certificate that is signing the CRL, use '-' for reading text from stdin
        TIME (OPTIONAL):         The desired expiration from now, in seconds

Flags:
"#,
    flags: &[],
};

/// `cfssl crl` (docs/cfssl-compat.md Appendix A).
pub static CRL: Help = Help {
    text: r#"cfssl crl -- generate a new Certificate Revocation List from Database

Usage of crl:
        cfssl crl

Flags:
"#,
    flags: &["db-config", "ca", "ca-key", "expiry"],
};

/// `cfssl version` (docs/cfssl-compat.md Appendix A).
pub static VERSION: Help = Help {
    text: r#"cfssl version -- print out the version of CF SSL

Usage of version:
	cfssl version
"#,
    flags: &[],
};

/// `cfssl-rs k8s-csr` (cfssl-rs extension).
pub static K8S_CSR: Help = Help {
    text: r#"cfssl-rs k8s-csr -- wrap a PEM CSR in a Kubernetes CertificateSigningRequest manifest

Usage of k8s-csr:
        cfssl-rs k8s-csr -name NAME -signer SIGNER [-usages LIST] [-expiration DURATION] [-json] CSR

Arguments:
        CSR:        PEM file for certificate request, use '-' for reading PEM from stdin.

Prints a certificates.k8s.io/v1 CertificateSigningRequest (YAML, or JSON with -json) for
kubectl apply -f -. Without -usages, built-in signers get the usages they issue:
kube-apiserver-client and kube-apiserver-client-kubelet "digital signature, client auth",
kubelet-serving "digital signature, server auth" ("key encipherment" added for RSA keys).
-expiration (a duration such as 24h, or seconds) sets spec.expirationSeconds, at least 10m.

Flags:
"#,
    flags: &["name", "signer", "usages", "expiration", "json"],
};

/// `cfssl-rs k8s-review` (cfssl-rs extension).
pub static K8S_REVIEW: Help = Help {
    text: r#"cfssl-rs k8s-review -- show the identity a Kubernetes CSR asks for and flag what to refuse

Usage of k8s-review:
        kubectl get csr NAME -o yaml | cfssl-rs k8s-review [-json] -
        cfssl-rs k8s-review [-json] CSR

Arguments:
        CSR:        a CertificateSigningRequest object or List in YAML or JSON (kubectl get csr
                    -o yaml, k8s-csr's output), or a PEM certificate request; use '-' for
                    reading from stdin.

Prints the user (CN) and groups (O) the certificate would carry, its SANs, key, usages
and signer, and flags system:masters and other privileged or system: identities, node
identities outside the kubelet signer rules, kubelet-serving SANs that are not the node's,
usages that do not fit the signer, weak keys and CA requests.
Exit status: 0 clean, 2 flagged, 1 error.

Flags:
"#,
    flags: &["json"],
};

/// `cfssl-rs k8s-sign` (cfssl-rs extension).
pub static K8S_SIGN: Help = Help {
    text: r#"cfssl-rs k8s-sign -- sign an approved Kubernetes CertificateSigningRequest object offline

Usage of k8s-sign:
        kubectl get csr NAME -o json | cfssl-rs k8s-sign -ca cert -ca-key key [-config config] [-profile profile] [-allow-privileged] - \
            | kubectl replace --raw /apis/certificates.k8s.io/v1/certificatesigningrequests/NAME/status -f -

Arguments:
        CSR-OBJECT: the object as kubectl get csr NAME -o yaml (or -o json) prints it, use '-'
                    for reading from stdin.

Refuses objects that are not Approved and requests k8s-review flags (unless
-allow-privileged). The certificate carries the approved spec.usages, the profile's other
settings, and lives at most spec.expirationSeconds. Prints the object with
status.certificate set, in JSON whichever form it was read in.

Flags:
"#,
    flags: &["ca", "ca-key", "config", "profile", "allow-privileged"],
};

/// `cfssl-rs k8s-kubeconfig` (cfssl-rs extension).
pub static K8S_KUBECONFIG: Help = Help {
    text: r#"cfssl-rs k8s-kubeconfig -- write a kubeconfig with embedded certificates and key

Usage of k8s-kubeconfig:
        cfssl-rs k8s-kubeconfig -cluster NAME -server URL -ca ca.pem -cert cert.pem -key key.pem -user NAME [-context NAME] [-json]

Prints what kubectl config set-cluster/set-credentials --embed-certs, set-context and
use-context write into an empty file. The output holds the private key: redirect it to a
file only you can read, e.g. (umask 077; cfssl-rs k8s-kubeconfig ... > admin.kubeconfig).

Flags:
"#,
    flags: &[
        "cluster", "server", "ca", "cert", "key", "user", "context", "json",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    fn render(help: &Help) -> String {
        let mut out = Vec::new();
        let _ = write_command_usage(&mut out, help);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Every usage of docs/cfssl-compat.md Appendix A, byte for byte.
    #[test]
    fn appendix_a_byte_exact() {
        for (help, expected) in [
            (
                &GENCERT,
                include_str!("../tests/fixtures/usage-gencert.txt"),
            ),
            (&SIGN, include_str!("../tests/fixtures/usage-sign.txt")),
            (&GENKEY, include_str!("../tests/fixtures/usage-genkey.txt")),
            (&GENCSR, include_str!("../tests/fixtures/usage-gencsr.txt")),
            (
                &SELFSIGN,
                include_str!("../tests/fixtures/usage-selfsign.txt"),
            ),
            (
                &CERTINFO,
                include_str!("../tests/fixtures/usage-certinfo.txt"),
            ),
            (
                &PRINT_DEFAULTS,
                include_str!("../tests/fixtures/usage-print-defaults.txt"),
            ),
            (&GENCRL, include_str!("../tests/fixtures/usage-gencrl.txt")),
            (&CRL, include_str!("../tests/fixtures/usage-crl.txt")),
            (
                &VERSION,
                include_str!("../tests/fixtures/usage-version.txt"),
            ),
        ] {
            assert_eq!(render(help), expected);
        }
    }

    #[test]
    fn top_level_is_sorted() {
        static B: Command = Command {
            name: "b",
            help: &VERSION,
            run: |_| Ok(()),
        };
        static A: Command = Command {
            name: "a",
            help: &VERSION,
            run: |_| Ok(()),
        };
        let mut out = Vec::new();
        let _ = write_top_level_usage(&mut out, &[&B, &A]);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "Usage:\nAvailable commands:\n\ta\n\tb\nTop-level flags:\n"
        );
    }
}
