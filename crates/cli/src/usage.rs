//! Help: `cfssl-rs help`, `cfssl-rs help COMMAND`, `cfssl-rs COMMAND -h` (issue 12 item 5).
//!
//! A command's help is its one-line summary, its usage forms, its arguments, then one entry
//! per flag it reads, generated from the flag table ([`crate::flags::FLAGS`] for the
//! descriptions, [`crate::flags::COMMAND_FLAGS`] for which flags): so a flag is described
//! once, help cannot list a flag the command does not read (or one cfssl-rs refuses, such
//! as `-remote`), and our extensions are marked `(cfssl-rs extension)` wherever they appear.
//! The shell completions and the man page ([`crate::clidoc`]) are generated from the same
//! [`Help`] values and tables.
//!
//! cfssl's own usage texts are not a contract (issue 12): cfssl-rs prints its own name,
//! describes what it does, and sends asked-for help to stdout with exit 0. What stays Go's
//! is the behaviour on a bad flag: Go's message and the usage on stderr, exit 2
//! (`main.rs`). Flag entries are laid out like Go's `flag.PrintDefaults`: `  -name type`,
//! the description on the next line, `(default X)` unless it is the zero value.

use std::io::{self, Write};

use crate::Command;
use crate::flags::{self, UNSUPPORTED};
use crate::refused::UNIMPLEMENTED;

/// The program name help, completions and the man page use.
pub const PROGRAM: &str = "cfssl-rs";

/// What a command's help says besides its flags (those come from the flag table).
#[derive(Debug)]
pub struct Help {
    /// One line: what the command does.
    pub summary: &'static str,
    /// Usage forms, each after `cfssl-rs COMMAND `.
    pub synopsis: &'static [&'static str],
    /// The positional arguments, in order.
    pub arguments: &'static [Argument],
    /// More to say, in paragraphs separated by an empty line; may be empty.
    pub notes: &'static str,
    /// A cfssl-rs extension: cfssl has no such command.
    pub extension: bool,
}

/// One positional argument of a command.
#[derive(Debug)]
pub struct Argument {
    /// The name the usage forms use (`CSRJSON`).
    pub name: &'static str,
    /// What it is.
    pub about: &'static str,
    /// What the completions offer for it.
    pub values: Values,
}

/// The values a positional argument takes, for the completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// A file name (or `-` for stdin).
    Path,
    /// Free text.
    Text,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// The name of a command.
    Command,
}

const EXTENSION: &str = "(cfssl-rs extension)";

/// Writes a command's help.
///
/// # Errors
/// Only the writer's.
pub fn write_command_usage(w: &mut dyn Write, command: &Command) -> io::Result<()> {
    w.write_all(command_usage(command).as_bytes())
}

/// A command's help text.
pub fn command_usage(command: &Command) -> String {
    let help = command.help;
    let mut out = format!("{PROGRAM} {} -- {}", command.name, help.summary);
    if help.extension {
        out.push(' ');
        out.push_str(EXTENSION);
    }
    out.push_str("\n\nUsage:\n");
    for form in help.synopsis {
        out.push_str(format!("  {PROGRAM} {} {form}", command.name).trim_end());
        out.push('\n');
    }
    if !help.arguments.is_empty() {
        out.push_str("\nArguments:\n");
        let width = help
            .arguments
            .iter()
            .map(|a| a.name.len())
            .max()
            .unwrap_or(0);
        for a in help.arguments {
            out.push_str(&format!("  {:width$}  {}\n", a.name, a.about));
        }
    }
    out.push_str("\nFlags:\n");
    for spec in flags::command_flags(command.name) {
        out.push_str(&flag_entry(spec));
    }
    if !help.notes.is_empty() {
        out.push('\n');
        out.push_str(help.notes);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&flag_syntax_note());
    out
}

/// One flag's entry: `  -name type`, then the description (Go `flag.PrintDefaults`).
fn flag_entry(spec: &flags::FlagSpec) -> String {
    let mut out = format!("  -{}", spec.name);
    if let Some(placeholder) = spec.placeholder() {
        out.push(' ');
        out.push_str(placeholder);
    }
    out.push_str("\n        ");
    out.push_str(spec.usage.trim_end());
    if spec.shows_default() {
        out.push_str(&format!(" (default {})", spec.default));
    }
    if spec.extension {
        out.push(' ');
        out.push_str(EXTENSION);
    }
    out.push('\n');
    out
}

/// How flags are written, and what happens to the flags a command does not list.
fn flag_syntax_note() -> String {
    let refused: Vec<String> = UNSUPPORTED.iter().map(|u| format!("-{}", u.name)).collect();
    wrap(&format!(
        "Flags take one dash or two (-ca or --ca), a value after a space or '=', and may come \
         after the arguments. Every command accepts cfssl's other flags and ignores them, as \
         cfssl does, except {}, which cfssl never reads either, the TLS and access settings \
         of the servers (-tls-cert, -tls-key, -mutual-tls-ca, -mutual-tls-cn, \
         -allow-unauthenticated) and the remote client's flags (-remote, -tls-remote-ca, \
         -mutual-tls-client-cert, -mutual-tls-client-key) on a command that has no use for \
         them: cfssl-rs refuses those, naming the flag.",
        refused.join(", ")
    ))
}

/// Breaks a paragraph into lines of at most 88 characters (a longer word gets its own
/// line), each ending in a newline.
fn wrap(paragraph: &str) -> String {
    const WIDTH: usize = 88;
    let mut out = String::new();
    let mut line = String::new();
    for word in paragraph.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Writes the top-level help: usage forms, every command with its summary (sorted by
/// name), the cfssl commands cfssl-rs does not implement.
///
/// # Errors
/// Only the writer's.
pub fn write_top_level_usage(w: &mut dyn Write, commands: &[Command]) -> io::Result<()> {
    w.write_all(top_level_usage(commands).as_bytes())
}

/// The top-level help text.
pub fn top_level_usage(commands: &[Command]) -> String {
    let mut sorted: Vec<&Command> = commands.iter().collect();
    sorted.sort_unstable_by_key(|c| c.name);
    let width = sorted.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut out = format!(
        "{PROGRAM} -- {ABOUT}\n\nUsage:\n  {PROGRAM} COMMAND [FLAGS] [ARGUMENTS]\n  \
         {PROGRAM} help [COMMAND]\n  {PROGRAM} COMMAND -h\n\nCommands:\n"
    );
    for c in sorted {
        out.push_str(&format!("  {:width$}  {}", c.name, c.help.summary));
        if c.help.extension {
            out.push(' ');
            out.push_str(EXTENSION);
        }
        out.push('\n');
    }
    let missing: Vec<&str> = UNIMPLEMENTED.iter().map(|u| u.name).collect();
    out.push_str(&format!(
        "\nRun `{PROGRAM} help COMMAND` for a command's arguments and flags.\n"
    ));
    out.push_str(&wrap(&format!(
        "Not implemented (running one says why, and what to use instead): {}.",
        missing.join(", ")
    )));
    out
}

/// What `cfssl-rs` is, in one line.
pub const ABOUT: &str = "Cloudflare's cfssl 1.6.5 command line, offline, in Rust";

const CSRJSON: Argument = Argument {
    name: "CSRJSON",
    about: "JSON file containing the request, use '-' for reading JSON from stdin",
    values: Values::Path,
};

const CSR: Argument = Argument {
    name: "CSR",
    about: "PEM file for certificate request, use '-' for reading PEM from stdin",
    values: Values::Path,
};

/// `gencert`.
pub static GENCERT: Help = Help {
    summary: "generate a new key and signed certificate",
    synopsis: &[
        "-initca CSRJSON",
        "-ca cert -ca-key key [-config config] [-profile profile] [-hostname hostname] CSRJSON",
        "-remote remote_host [-config config] [-profile profile] [-label label] [-hostname hostname] CSRJSON",
        "-initca -ca-key key CSRJSON",
        "-renewca -ca cert -ca-key key",
        "-initca -key-uri pkcs11:token=T;object=L CSRJSON",
    ],
    arguments: &[CSRJSON],
    notes: "-initca makes a self-signed root; with -ca-key it re-keys a root with that \
            existing key.\n-renewca re-issues the CA certificate -ca with its key -ca-key.\n\
            -ca-key may be a pkcs11: URI naming a key in a PKCS#11 token; -key-uri makes the new \
            key inside the token (no key is printed).\nThe module is the URI's module-path or \
            CFSSL_PKCS11_MODULE; the PIN its pin-source, CFSSL_PKCS11_PIN or a prompt.\n\
            -remote (or a profile with remote/auth_remote in -config) makes the key and CSR here \
            and has the server sign the CSR; the key never leaves this machine.",
    extension: false,
};

/// `sign`.
pub static SIGN: Help = Help {
    summary: "signs a client cert with a host name by a given CA and CA key",
    synopsis: &[
        "-ca cert -ca-key key [-config config] [-profile profile] [-hostname hostname] CSR [SUBJECT]",
        "-remote remote_host [-config config] [-profile profile] [-label label] [-hostname hostname] CSR [SUBJECT]",
        "-ca cert -ca-key key [-config config] [-profile profile] -batch DIR",
    ],
    arguments: &[
        CSR,
        Argument {
            name: "SUBJECT",
            about: "optional JSON file with the subject to use instead of the CSR's",
            values: Values::Path,
        },
    ],
    notes: "The CSR can also be given with -csr, which takes precedence over the argument.\n\
            -remote host:port (or http://, https://; a comma-separated list is tried in order) \
            sends the CSR to a cfssl server; so does a profile with remote or auth_remote in \
            -config, with auth_remote's key as an HMAC token. https uses -tls-remote-ca (else \
            the system's roots) and -mutual-tls-client-cert/-key. The server records the \
            certificate, so -db-config is refused with -remote.",
    extension: false,
};

/// `info`.
pub static INFO: Help = Help {
    summary: "get info about a remote signer",
    synopsis: &[
        "-remote remote_host [-label label] [-profile profile]",
        "-config config -ca cert [-profile profile]",
    ],
    arguments: &[],
    notes: "Prints {\"certificate\",\"usages\",\"expiry\"}: the CA certificate and the \
            profile's usages and expiry, without a trailing newline (as cfssl).",
    extension: false,
};

/// `genkey`.
pub static GENKEY: Help = Help {
    summary: "generate a new key and CSR",
    synopsis: &[
        "CSRJSON",
        "-initca CSRJSON",
        "[-initca] -key-uri pkcs11:token=T;object=L CSRJSON",
    ],
    arguments: &[CSRJSON],
    notes: "-key-uri makes the key inside the PKCS#11 token the URI names; no key is printed.",
    extension: false,
};

/// `gencsr`.
pub static GENCSR: Help = Help {
    summary: "generate a CSR from a private key and a CSR JSON or an existing certificate",
    synopsis: &[
        "-key private_key_file [-hostname hostname_override] CSRJSON",
        "-key private_key_file [-hostname hostname_override] -cert certificate_file",
    ],
    arguments: &[CSRJSON],
    notes: "",
    extension: false,
};

/// `selfsign`.
pub static SELFSIGN: Help = Help {
    summary: "generate a new self-signed key and signed certificate",
    synopsis: &["HOSTNAME CSRJSON"],
    arguments: &[
        Argument {
            name: "HOSTNAME",
            about: "required but unused, as in cfssl: the SANs come from the request's hosts",
            values: Values::Text,
        },
        CSRJSON,
    ],
    notes: "WARNING: this should ONLY be used for testing. Self-signed certificates are \
            insecure; they do not provide\nthe authentication required for secure systems.",
    extension: false,
};

/// `certinfo`.
pub static CERTINFO: Help = Help {
    summary: "output certinfo about the given cert",
    synopsis: &[
        "-cert file",
        "-csr file",
        "-db-config db.json -serial SERIAL -aki AKI",
    ],
    arguments: &[],
    notes: "Reading a certificate from a server (-domain) is not implemented: fetch the \
            certificate with openssl s_client and use -cert.",
    extension: false,
};

/// `bundle` (docs/cfssl-lifecycle.md §11).
pub static BUNDLE: Help = Help {
    summary: "create a certificate bundle: the certificate's chain to a trusted root",
    synopsis: &[
        "-cert file [-key keyfile] [-ca-bundle file] [-int-bundle file] [-metadata file] \
         [-flavor optimal|ubiquitous|force] [-password password]",
    ],
    arguments: &[],
    notes: "-cert holds the certificate, maybe with part of its chain (leaf or root first): PEM, DER,\n\
            or PKCS#12 opened with -password (default 0; `-cert -` reads PEM or DER from stdin). Every\n\
            path from it to a root of -ca-bundle (default: the system's roots), through the\n\
            intermediates of -int-bundle and of the input, is found and one is chosen: optimal is the\n\
            shortest, newest and strongest; ubiquitous (the default) the one most platforms of\n\
            -metadata trust (without -metadata, as optimal); force keeps the input chain, checking\n\
            only that each certificate signed the one before it. The JSON holds the chain without the\n\
            root (bundle), the root, the key if -key was given, and warnings (status); `cfssljson-rs\n\
            -bare NAME` writes NAME-bundle.pem and NAME-key.pem from it.\n\
            \n\
            Nothing is fetched: -domain/-ip (a TLS dial) and -int-dir (where cfssl keeps intermediates\n\
            it downloads) are refused, and when an issuer is missing the error names the Authority\n\
            Information Access URL cfssl would have downloaded it from.",
    extension: false,
};

/// `print-defaults`.
pub static PRINT_DEFAULTS: Help = Help {
    summary: "print default configurations that can be used as a template",
    synopsis: &["TYPE"],
    arguments: &[Argument {
        name: "TYPE",
        about: "config or csr; list (or any other word) prints the list of types",
        values: Values::OneOf(&["config", "csr", "list"]),
    }],
    notes: "",
    extension: false,
};

/// `gencrl`.
pub static GENCRL: Help = Help {
    summary: "generate a new Certificate Revocation List",
    synopsis: &["INPUTFILE CERT KEY [TIME]"],
    arguments: &[
        Argument {
            name: "INPUTFILE",
            about: "text file with one serial number per line, use '-' for reading text from stdin",
            values: Values::Path,
        },
        Argument {
            name: "CERT",
            about: "the certificate that is signing this CRL, use '-' for reading text from stdin",
            values: Values::Path,
        },
        Argument {
            name: "KEY",
            about: "the private key of the certificate that is signing the CRL, use '-' for reading text from stdin",
            values: Values::Path,
        },
        Argument {
            name: "TIME",
            about: "optional: the desired expiration from now, in seconds (default one week)",
            values: Values::Text,
        },
    ],
    notes: "",
    extension: false,
};

/// `crl`.
pub static CRL: Help = Help {
    summary: "generate a CRL from the certificate database",
    synopsis: &["-db-config db.json -ca ca.pem -ca-key ca-key.pem [-expiry 168h]"],
    arguments: &[],
    notes: "Lists every revoked, unexpired certificate of the database that this CA issued \
            (cfssl lists every CA's), with its revocation date and reason; prints the CRL \
            as one line of base64 DER.",
    extension: false,
};

/// `revoke`.
pub static REVOKE: Help = Help {
    summary: "revoke a certificate in the certificate database",
    synopsis: &[
        "-db-config db.json -serial SERIAL -aki AKI [-reason REASON]",
        "-remote remote_host -serial SERIAL -aki AKI [-reason REASON]",
    ],
    arguments: &[],
    notes: "SERIAL is decimal and AKI lower-case hex, as cfssl stores them (cfssl-rs also \
            accepts the AKI with colons or upper case). REASON is a name (keyCompromise, \
            superseded, …) or a code 1-9. Then run ocsprefresh and crl to publish it.\n\
            -remote (cfssl-rs extension) asks a server's revoke endpoint (cfssl serve or \
            cfssl-rs serve, with -db-config) to mark the certificate in its database.",
    extension: false,
};

/// `ocspsign`.
pub static OCSPSIGN: Help = Help {
    summary: "sign an OCSP response for one certificate",
    synopsis: &[
        "-ca ca.pem -responder ocsp.pem -responder-key ocsp-key.pem -cert leaf.pem [-status good|revoked|unknown] [-reason R] [-revoked-at YYYY-MM-DD] [-interval 96h]",
    ],
    arguments: &[],
    notes: "Prints {\"ocspResponse\":\"<base64 DER>\"}; cfssljson-rs -bare NAME writes \
            NAME-response.der.",
    extension: false,
};

/// `ocsprefresh`.
pub static OCSPREFRESH: Help = Help {
    summary: "sign fresh OCSP responses for every unexpired certificate in the database",
    synopsis: &[
        "-db-config db.json -ca ca.pem -responder ocsp.pem -responder-key ocsp-key.pem [-interval 96h]",
    ],
    arguments: &[],
    notes: "Certificates of other CAs in the same database are skipped with a warning \
            (cfssl stops at the first).",
    extension: false,
};

/// `ocspdump`.
pub static OCSPDUMP: Help = Help {
    summary: "print the database's unexpired OCSP responses, one base64 line each",
    synopsis: &["-db-config db.json"],
    arguments: &[],
    notes: "The output is the -responses file of ocspserve.",
    extension: false,
};

/// `ocspserve`.
pub static OCSPSERVE: Help = Help {
    summary: "answer OCSP requests over HTTP from the database or a responses file",
    synopsis: &[
        "-db-config db.json [-address 127.0.0.1] [-port 8888] [-path /]",
        "-responses responses.txt [-address 127.0.0.1] [-port 8888] [-path /]",
    ],
    arguments: &[],
    notes: "RFC 6960 over HTTP GET (base64 request in the path) and POST. Stops on \
            SIGINT or SIGTERM.",
    extension: false,
};

/// `serve`.
pub static SERVE: Help = Help {
    summary: "serve cfssl's signing API (/api/v1/cfssl/) over HTTP or HTTPS",
    synopsis: &[
        "-ca ca.pem -ca-key ca-key.pem [-config config.json] [-db-config db.json] [-address 127.0.0.1] [-port 8888]",
        "… [-tls-cert server.pem -tls-key server-key.pem [-min-tls-version 1.2|1.3] [-mutual-tls-ca clients-ca.pem [-mutual-tls-cn REGEX]]]",
        "… [-responder ocsp.pem -responder-key ocsp-key.pem] [-ca-bundle roots.pem -int-bundle ints.pem] [-disable sign,newcert] [-allow-unauthenticated]",
    ],
    arguments: &[],
    notes: "Endpoints live under /api/v1/cfssl/. On an address other than loopback the server \
            refuses to start while endpoints that act with the CA without authentication \
            (sign for a profile without auth_key, newcert, revoke, ocspsign) are enabled, \
            unless clients must present certificates (-mutual-tls-ca), those endpoints are \
            turned off (-disable), or -allow-unauthenticated is given. Private keys (newkey, \
            newcert, init_ca) are only sent over TLS or to loopback clients. Stops on SIGINT \
            or SIGTERM after the requests in flight.",
    extension: false,
};

/// `multirootca`.
pub static MULTIROOTCA: Help = Help {
    summary: "serve several CAs by label (authsign and info; every request authenticated)",
    synopsis: &[
        "-roots roots.conf [-l DEFAULT_LABEL] [-a :8888] [-tls-cert server.pem -tls-key server-key.pem]",
    ],
    arguments: &[],
    notes: "cfssl's separate multirootca program as a command. roots.conf has one [label] \
            section per CA: private (file://KEY or a pkcs11: URI), certificate, config (its \
            signing policy; every profile needs an auth_key), and optional nets (allowed \
            client CIDRs) and dbconfig (certificates recorded with the label). Endpoints: POST \
            /api/v1/cfssl/authsign, POST /api/v1/cfssl/info, GET /metrics. Stops on SIGINT or \
            SIGTERM after the requests in flight.",
    extension: false,
};

/// `db`.
pub static DB: Help = Help {
    summary: "create or inspect a certificate database",
    synopsis: &[
        "init -db-config db.json",
        "list -db-config db.json [-expiring 30d] [-status good|revoked] [-ca-label L] [-json]",
    ],
    arguments: &[Argument {
        name: "ACTION",
        about: "init: create cfssl's tables in an empty database; list: the certificates",
        values: Values::OneOf(&["init", "list"]),
    }],
    notes: "list exits 1 when a listed certificate expires within -expiring or outlives \
            the CA certificate that issued it (when that CA is in the database too): \
            for cron and monitoring.",
    extension: true,
};

/// `ceremony` (our extension): the steps of a key ceremony and its transcript.
pub static CEREMONY: Help = Help {
    summary: "plan and run key ceremony steps; verify and print transcripts",
    synopsis: &[
        "plan STEP",
        "run [-yes] [-transcript TRANSCRIPT] STEP",
        "verify [-json] TRANSCRIPT [FILE...]",
        "print TRANSCRIPT",
    ],
    arguments: &[
        Argument {
            name: "ACTION",
            about: "plan: show what STEP signs; run: sign it; verify: check the hash chain and FILEs; \
                    print: the witnesses' page",
            values: Values::OneOf(&["plan", "run", "verify", "print"]),
        },
        Argument {
            name: "STEP",
            about: "a ceremony file (YAML with comments, or JSON): type root, intermediate, \
                    cross-sign, key, crl or ocsp-response (docs/ceremony.md)",
            values: Values::Path,
        },
        Argument {
            name: "TRANSCRIPT",
            about: "a transcript written by -transcript: one JSON line per signing step",
            values: Values::Path,
        },
        Argument {
            name: "FILE",
            about: "a file the transcript must record (by path, SHA-256 or fingerprint)",
            values: Values::Path,
        },
    ],
    notes: "plan prints every field of the certificate, CRL or OCSP response STEP makes, decoded from\n\
            the exact to-be-signed bytes, and their SHA-256; it reads no private key and opens no\n\
            token. run computes the same bytes again, lints them, shows the hash and asks for its\n\
            first 8 hex digits (yes for a key step) on the terminal, or takes -yes; then signs,\n\
            writes the outputs (never over an existing file; keys mode 0600) and appends to the\n\
            transcript (-transcript, default ceremony.log next to STEP). Paths in STEP are relative to its folder.\n\
            \n\
            A transcript is a hash chain: each line holds the SHA-256 of the line before it.\n\
            verify reports, by line number, every line edited, removed, inserted or moved, a torn\n\
            last line and any FILE that is not the one recorded (with no FILE: every recorded output\n\
            file still present); it exits 1 on any problem. verify -json prints the same report as\n\
            one JSON object, with the same exit status: transcript, ok, lines, head (null without a\n\
            complete line), problems (line, message) and files (path, status: matches, differs,\n\
            not_recorded, unreadable or absent; ok, line, role, recorded, by, made_by,\n\
            recorded_sha256, sha256, error, message: null where the status has none).\n\
            print lays out every step with its fingerprints in groups of four hex digits, then the\n\
            head hash and lines for signatures.\n\
            The chain proves nothing on its own: whoever can write the file can rewrite it whole.\n\
            Copy the head hash by hand at the ceremony and compare it with the one verify prints.",
    extension: true,
};

/// `key` (our extension): M-of-N backup of a key file.
pub static KEY: Help = Help {
    summary: "back a key file up as M-of-N shares, or restore it",
    synopsis: &[
        "split -m M -n N -key KEY -out DIR",
        "combine [-out FILE] SHARE...",
    ],
    arguments: &[
        Argument {
            name: "ACTION",
            about: "split: write -n shares of -key into -out; combine: restore it from SHAREs",
            values: Values::OneOf(&["split", "combine"]),
        },
        Argument {
            name: "SHARE",
            about: "a share file written by key split (combine takes M or more)",
            values: Values::Path,
        },
    ],
    notes: "Shamir's secret sharing over the key file's bytes as stored: an encrypted key \
            is split as is and its\npassword stays separate. split writes DIR/NAME-share-I-of-N.txt \
            (mode 0600, never over an existing file);\ncombine restores the file byte for byte, \
            to -out (mode 0600, never over an existing file) or stdout.\nBoth log the key's \
            fingerprint: SHA-256 of its public key's DER SubjectPublicKeyInfo, as printed by\n\
            openssl pkey -in KEY -pubout -outform DER | sha256sum\n(for an encrypted key, \
            SHA-256 of the file: sha256sum KEY). See docs/key-shares.md.",
    extension: true,
};

/// `lint` (our extension): cfssl-lint's lints over a certificate or CRL file.
pub static LINT: Help = Help {
    summary: "lint a certificate or CRL (RFC 5280, CA/B Forum; zlint names)",
    synopsis: &["[-json] FILE", "-list [-json]"],
    arguments: &[Argument {
        name: "FILE",
        about: "PEM (every CERTIFICATE and X509 CRL block is linted) or DER, a certificate or \
                a CRL; '-' reads stdin",
        values: Values::Path,
    }],
    notes: "Prints one line per finding: severity, lint name, citation, message (-json: an array of\n\
            {block, lint, severity, source, citation, message}). Nothing is printed for a clean file.\n\
            The lints are the ones a profile's lint_error_level applies before signing; -list prints them.\n\
            Exit status: 0 when no finding is an error or fatal, 1 otherwise or on bad input.",
    extension: true,
};

/// `pkcs12` (our extension): a key with its certificate and chain as one PKCS#12 file.
pub static PKCS12: Help = Help {
    summary: "write a key, its certificate and chain as a PKCS#12 file",
    synopsis: &[
        "-cert CERT -key KEY [-ca CHAIN] [-name NAME] [-password-file FILE] [-legacy] [-out FILE]",
    ],
    arguments: &[],
    notes: "For Windows (certutil -importpfx, IIS), Java (keytool, Tomcat) and macOS. The file holds\n\
            -cert, then -ca's certificates in file order, and the key; the key and -cert share a\n\
            localKeyId and, with -name, a friendlyName.\n\
            Encryption is OpenSSL 3's default: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), an HMAC-SHA256\n\
            MAC, 2048 iterations. -legacy, for Windows before 10 1709 and Java before 8u301:\n\
            pbeWithSHAAnd3-KeyTripleDES-CBC for the key and the certificates, an HMAC-SHA1 MAC.\n\
            The password is -password-file's first line, else CFSSL_PKCS12_PASSWORD, else asked twice\n\
            on the terminal; never taken from the command line. An empty one needs -allow-empty-password.\n\
            An encrypted -key's password: -key-password-file, else CFSSL_KEY_PASSWORD, else a prompt.\n\
            A key in a PKCS#11 token (a pkcs11: URI) cannot be exported: it never leaves the token.\n\
            Writes -out (mode 0600, never over an existing file), else stdout if it is not a terminal.\n\
            Check: openssl pkcs12 -info -noout -in F; keytool -list -storetype PKCS12 -keystore F",
    extension: true,
};

/// `version`.
pub static VERSION: Help = Help {
    summary: "print out the version of cfssl-rs",
    synopsis: &[""],
    arguments: &[],
    notes: "",
    extension: false,
};

/// `k8s-csr`.
pub static K8S_CSR: Help = Help {
    summary: "wrap a PEM CSR in a Kubernetes CertificateSigningRequest",
    synopsis: &["-name NAME -signer SIGNER [-usages LIST] [-expiration DURATION] [-json] CSR"],
    arguments: &[CSR],
    notes: "Prints a certificates.k8s.io/v1 CertificateSigningRequest (YAML, or JSON with \
            -json) for\nkubectl apply -f -. Without -usages, built-in signers get the usages \
            they issue:\nkube-apiserver-client and kube-apiserver-client-kubelet \"digital \
            signature, client auth\",\nkubelet-serving \"digital signature, server auth\" \
            (\"key encipherment\" added for RSA keys).\n-expiration (a duration such as 24h, \
            or seconds) sets spec.expirationSeconds, at least 10m.",
    extension: true,
};

/// `k8s-review`.
pub static K8S_REVIEW: Help = Help {
    summary: "show what a Kubernetes CSR asks for, flag what to refuse",
    synopsis: &["[-json] CSR"],
    arguments: &[Argument {
        name: "CSR",
        about: "a CertificateSigningRequest object or List in YAML or JSON (kubectl get csr -o \
                yaml), or a PEM certificate request; '-' reads stdin",
        values: Values::Path,
    }],
    notes: "Prints the user (CN) and groups (O) the certificate would carry, its SANs, key, \
            usages and signer,\nand flags system:masters and other privileged or system: \
            identities, node identities outside the\nkubelet signer rules, kubelet-serving \
            SANs that are not the node's, usages that do not fit the\nsigner, weak keys and \
            CA requests. Exit status: 0 clean, 2 flagged, 1 error.",
    extension: true,
};

/// `k8s-sign`.
pub static K8S_SIGN: Help = Help {
    summary: "sign an approved Kubernetes CertificateSigningRequest",
    synopsis: &[
        "-ca cert -ca-key key [-config config] [-profile profile] [-allow-privileged] CSR-OBJECT",
    ],
    arguments: &[Argument {
        name: "CSR-OBJECT",
        about: "the object as kubectl get csr NAME -o yaml (or -o json) prints it; '-' reads stdin",
        values: Values::Path,
    }],
    notes: "Refuses objects that are not Approved and requests k8s-review flags (unless \
            -allow-privileged).\nThe certificate carries the approved spec.usages, the \
            profile's other settings, and lives at most\nspec.expirationSeconds. Prints the \
            object with status.certificate set, in JSON, for\nkubectl replace --raw \
            /apis/certificates.k8s.io/v1/certificatesigningrequests/NAME/status -f -",
    extension: true,
};

/// `k8s-kubeconfig`.
pub static K8S_KUBECONFIG: Help = Help {
    summary: "write a kubeconfig with embedded certificates and key",
    synopsis: &[
        "-cluster NAME -server URL -ca ca.pem -cert cert.pem -key key.pem -user NAME [-context NAME] [-json]",
    ],
    arguments: &[],
    notes: "Prints what kubectl config set-cluster/set-credentials --embed-certs, set-context \
            and use-context\nwrite into an empty file. The output holds the private key: \
            redirect it to a file only you can\nread, e.g. (umask 077; cfssl-rs \
            k8s-kubeconfig ... > admin.kubeconfig).",
    extension: true,
};

/// `help`.
pub static HELP: Help = Help {
    summary: "print the commands, or a command's arguments and flags",
    synopsis: &["", "COMMAND"],
    arguments: &[Argument {
        name: "COMMAND",
        about: "the command to describe",
        values: Values::Command,
    }],
    notes: "",
    extension: true,
};

/// `completion`.
pub static COMPLETION: Help = Help {
    summary: "print a shell completion script",
    synopsis: &["bash|zsh|fish"],
    arguments: &[Argument {
        name: "SHELL",
        about: "bash, zsh or fish",
        values: Values::OneOf(cfssl_clidoc::SHELL_NAMES),
    }],
    notes: "bash: source <(cfssl-rs completion bash), or save it in \
            ~/.local/share/bash-completion/completions/cfssl-rs\nzsh:  cfssl-rs completion \
            zsh > \"${fpath[1]}/_cfssl-rs\"\nfish: cfssl-rs completion fish > \
            ~/.config/fish/completions/cfssl-rs.fish",
    extension: true,
};

/// `man`.
pub static MAN: Help = Help {
    summary: "print the manual page (roff)",
    synopsis: &[""],
    arguments: &[],
    notes: "Read it with `cfssl-rs man | man -l -`, or install it: cfssl-rs man > \
            /usr/local/share/man/man1/cfssl-rs.1",
    extension: true,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::COMMANDS;

    /// The Flags section of a help text.
    fn flags_section(text: &str) -> &str {
        let start = text.find("\nFlags:\n").map_or(0, |i| i + 8);
        let rest = text.get(start..).unwrap_or_default();
        rest.get(..rest.find("\n\n").map_or(rest.len(), |i| i + 1))
            .unwrap_or_default()
    }

    #[test]
    fn every_flag_a_command_reads_is_described_and_extensions_are_marked() {
        for c in COMMANDS {
            let text = command_usage(c);
            assert!(
                text.starts_with(&format!("cfssl-rs {} -- ", c.name)),
                "{text}"
            );
            let section = flags_section(&text);
            for spec in flags::command_flags(c.name) {
                let entry = flag_entry(spec);
                assert!(
                    section.contains(&entry),
                    "{}: -{}\n{text}",
                    c.name,
                    spec.name
                );
                assert!(entry.contains(spec.usage.trim_end()));
                assert_eq!(entry.contains(EXTENSION), spec.extension, "{entry}");
            }
            assert!(section.contains("  -loglevel int\n"), "{text}");
            // -label is refused only without -db-config.
            for u in UNSUPPORTED.iter().filter(|u| u.name != "label") {
                assert!(
                    !section.contains(&format!("  -{} ", u.name)),
                    "{}: -{}",
                    c.name,
                    u.name
                );
                assert!(
                    !section.contains(&format!("  -{}\n", u.name)),
                    "{}: -{}",
                    c.name,
                    u.name
                );
            }
            assert!(
                !text.contains("  cfssl ") && !text.contains("\tcfssl "),
                "{text}"
            );
        }
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap(""), "");
        assert_eq!(wrap("a  b\nc"), "a b c\n");
        let long = "x".repeat(100);
        assert_eq!(wrap(&format!("a {long} b")), format!("a\n{long}\nb\n"));
        let words = "word ".repeat(40);
        assert!(
            wrap(&words)
                .lines()
                .all(|l| l.len() <= 88 && !l.ends_with(' '))
        );
    }

    #[test]
    fn entries_read_like_go() {
        let entry = |name| flags::lookup(name).map(flag_entry).unwrap_or_default();
        assert_eq!(entry("initca"), "  -initca\n        initialise new CA\n");
        assert_eq!(
            entry("loglevel"),
            "  -loglevel int\n        Log level (0 = DEBUG, 5 = FATAL) (default 1)\n"
        );
        assert_eq!(
            entry("batch"),
            "  -batch string\n        sign every DIR/*.csr in parallel, writing DIR/NAME.pem (cfssl-rs extension)\n"
        );
    }

    #[test]
    fn top_level_lists_commands_sorted_with_summaries() {
        let text = top_level_usage(COMMANDS);
        assert!(text.starts_with("cfssl-rs -- "), "{text}");
        let listed: Vec<&str> = text
            .split("\nCommands:\n")
            .nth(1)
            .unwrap_or_default()
            .lines()
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let mut sorted = listed.clone();
        sorted.sort_unstable();
        assert_eq!(listed, sorted);
        assert_eq!(listed.len(), COMMANDS.len());
        assert!(
            text.contains("Not implemented (running one says why, and what to use instead): scan.")
        );
        assert!(text.lines().all(|l| l.len() <= 100), "{text}");
        assert!(!text.contains("Top-level flags"));
    }
}
